package io.notiflow.core.health;

import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.DeliveryWorker;
import io.notiflow.core.worker.GuardedSender;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * In a worker: ready while it consumes its queue; reports the provider circuit's state. An open circuit keeps
 * the worker ready (jobs wait on the ladder), so it is reported as data, not as DOWN.
 */
@Readiness
@ApplicationScoped
public class WorkerHealthCheck implements HealthCheck {

    private final Instance<ChannelSender> senders;
    private final DeliveryWorker worker;
    private final GuardedSender guarded;

    public WorkerHealthCheck(Instance<ChannelSender> senders, DeliveryWorker worker, GuardedSender guarded) {
        this.senders = senders;
        this.worker = worker;
        this.guarded = guarded;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("delivery-worker");
        if (senders.isUnsatisfied()) {
            return response.up().withData("role", "no channel in this service").build();
        }
        return response.status(worker.isConsuming())
                .withData("channel", senders.get().channel().key())
                .withData("consuming", worker.isConsuming())
                .withData("providerCircuit", guarded.circuitState())
                .build();
    }
}
