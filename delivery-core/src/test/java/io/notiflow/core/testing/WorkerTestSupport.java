package io.notiflow.core.testing;

import io.notiflow.core.worker.DeliveryWorker;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.inject.spi.CDI;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The state a channel worker's {@code @QuarkusTest} starts from. Plain static helpers (the test-jar has no bean
 * index); the beans are looked up through {@link CDI#current()} in the running application.
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
}
