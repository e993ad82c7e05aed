package io.notiflow.core.worker;

import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.store.WorkerInstanceRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * In a worker (a service with a {@link ChannelSender} bean, like {@link DeliveryWorker}): keeps this process's
 * row of {@code worker_instances} current, every {@code worker.heartbeat} (5 s), with its channel,
 * provider circuit state and whether it consumes. api-service reads the rows for the operator console, so it
 * needs no worker addresses. A clean stop deletes the row; each beat also deletes the rows of workers that died
 * without doing so. A beat that fails (database down) is logged once, and the next one tries again.
 */
@ApplicationScoped
public class WorkerHeartbeat {

    private static final Logger LOG = Logger.getLogger(WorkerHeartbeat.class);

    private final Instance<ChannelSender> senders;
    private final DeliveryWorker worker;
    private final GuardedSender guarded;
    private final WorkerInstanceRepository instances;
    private final WorkerSettings settings;
    private final WorkerIdentity identity;
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    public WorkerHeartbeat(Instance<ChannelSender> senders, DeliveryWorker worker, GuardedSender guarded,
                           WorkerInstanceRepository instances, WorkerSettings settings, WorkerIdentity identity) {
        this.senders = senders;
        this.worker = worker;
        this.guarded = guarded;
        this.instances = instances;
        this.settings = settings;
        this.identity = identity;
    }

    /** This process's row id. */
    public UUID instanceId() {
        return identity.id();
    }

    void onStart(@Observes StartupEvent event) {
        if (senders.isUnsatisfied()) {
            return; // not a worker (api-service)
        }
        String host = identity.host();
        long period = settings.heartbeat().toMillis();
        beats.scheduleAtFixedRate(() -> beat(host), 0, period, TimeUnit.MILLISECONDS);
    }

    /** Never throws: an exception would cancel every later beat of the schedule. */
    private void beat(String host) {
        try {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            WorkerInstance row = new WorkerInstance();
            row.id = identity.id();
            row.service = identity.service();
            row.channel = senders.get().channel();
            row.host = host;
            row.providerCircuit = guarded.circuitState();
            row.consuming = worker.isConsuming();
            row.startedAt = startedAt;
            row.seenAt = now;
            QuarkusTransaction.requiringNew().run(() -> {
                instances.beat(row);
                instances.forgetSilentSince(now.minus(WorkerInstanceRepository.FORGOTTEN));
            });
            if (failing) {
                LOG.info("worker heartbeat written again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("cannot write the worker heartbeat (%s); trying again every %s", e.getMessage(),
                        settings.heartbeat());
                failing = true;
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (senders.isUnsatisfied()) {
            return;
        }
        beats.shutdownNow();
        try {
            // A beat in progress must not write the row again after it is deleted.
            beats.awaitTermination(5, TimeUnit.SECONDS);
            QuarkusTransaction.requiringNew().run(() -> instances.deleteById(identity.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("could not remove this worker's heartbeat row (%s); it is forgotten after %d minutes",
                    e.getMessage(), WorkerInstanceRepository.FORGOTTEN.toMinutes());
        }
    }

}
