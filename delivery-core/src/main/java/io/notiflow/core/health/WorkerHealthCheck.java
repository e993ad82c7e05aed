package io.notiflow.core.health;

import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.DeliveryWorker;
import io.notiflow.core.worker.GuardedSender;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
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
    private final CircuitBreakerMaintenance breakers;

    public WorkerHealthCheck(Instance<ChannelSender> senders, DeliveryWorker worker,
                             CircuitBreakerMaintenance breakers) {
        this.senders = senders;
        this.worker = worker;
        this.breakers = breakers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("delivery-worker");
        if (senders.isUnsatisfied()) {
            return response.up().withData("role", "no channel in this service").build();
        }
        CircuitBreakerState state = breakers.currentState(GuardedSender.BREAKER);
        return response.status(worker.isConsuming())
                .withData("channel", senders.get().channel().key())
                .withData("consuming", worker.isConsuming())
                .withData("providerCircuit", state.name().toLowerCase(java.util.Locale.ROOT))
                .build();
    }
}
