package io.notiflow.core.testing;

import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.store.WorkerInstanceRepository;
import io.notiflow.core.worker.DeliveryWorker;
import io.notiflow.core.worker.WorkerHeartbeat;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.inject.spi.CDI;

import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * The state a channel worker's {@code @QuarkusTest} starts from. Plain static helpers (no CDI beans);
 * the beans are looked up through {@link CDI#current()} in the running application.
 */
public final class WorkerTestSupport {

    private WorkerTestSupport() {
    }

    /** Waits until the worker consumes its work queue. */
    public static void awaitConsuming(Duration atMost) {
        DeliveryWorker worker = CDI.current().select(DeliveryWorker.class).get();
        await().atMost(atMost).until(worker::isConsuming);
    }

    /**
     * Closes every circuit breaker (failures of one test must not open the provider circuit for the next), then
     * waits until the worker consumes.
     */
    public static void startFromAHealthyProvider(Duration atMost) {
        CDI.current().select(CircuitBreakerMaintenance.class).get().resetAll();
        awaitConsuming(atMost);
    }

    /** This worker's row of {@code worker_instances} as its heartbeat last wrote it; null before the first beat. */
    public static WorkerInstance heartbeatRow() {
        UUID id = CDI.current().select(WorkerHeartbeat.class).get().instanceId();
        WorkerInstanceRepository rows = CDI.current().select(WorkerInstanceRepository.class).get();
        return QuarkusTransaction.requiringNew().call(() -> rows.findById(id));
    }
}
