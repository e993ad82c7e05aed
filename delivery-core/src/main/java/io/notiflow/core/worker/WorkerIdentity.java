package io.notiflow.core.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * This worker process: the id of its {@code worker_instances} row ({@link WorkerHeartbeat}), its service and host,
 * and the name its attempts carry in {@code delivery_attempts.worker}, which outlives the row.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final UUID id = UUID.randomUUID();
    private final String service;
    private final String host;

    public WorkerIdentity(@ConfigProperty(name = "quarkus.application.name") String service) {
        this.service = service;
        this.host = localHost();
    }

    public UUID id() {
        return id;
    }

    public String service() {
        return service;
    }

    public String host() {
        return host;
    }

    /** e.g. {@code email-worker@mail-1/3f2a9c1e}: service, host and the first 8 hex digits of the id. */
    public String name() {
        return service + "@" + host + "/" + id.toString().substring(0, 8);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
