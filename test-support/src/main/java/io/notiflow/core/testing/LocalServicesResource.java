package io.notiflow.core.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Gives a Quarkus test suite a fresh database and virtual host of its own on the local servers.
 * Init args: {@code database} and {@code vhost}. The broker port is left to the service's default (5672) so
 * that a test profile can route it through a {@link TcpProxy}.
 */
public class LocalServicesResource implements QuarkusTestResourceLifecycleManager {

    private String database;
    private String vhost;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", "notiflow_test");
        vhost = initArgs.getOrDefault("vhost", "notiflow-test");
    }

    @Override
    public Map<String, String> start() {
        LocalServices.recreateDatabase(database);
        LocalServices.recreateVhost(vhost);
        return Map.of(
                "quarkus.datasource.jdbc.url", LocalServices.jdbcUrl(database),
                "quarkus.datasource.username", LocalServices.PG_USER,
                "rabbitmq.host", LocalServices.RABBIT_HOST,
                "rabbitmq.virtual-host", vhost);
    }

    @Override
    public void stop() {
        // Left in place for inspection after a failed run; the next run re-creates both.
    }
}
