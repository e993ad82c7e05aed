package io.notiflow.core.worker;

import io.notiflow.core.job.DeliveryJob;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The provider call inside a timeout and a circuit breaker. Each worker process has one provider, so one
 * breaker per process is one breaker per provider. Permanent failures (a bad address) say nothing about the
 * provider's health and do not count towards opening it.
 * <p>
 * Tune with the MicroProfile Fault Tolerance keys, e.g.
 * {@code io.notiflow.core.worker.GuardedSender/send/Timeout/value=20000}.
 */
@ApplicationScoped
public class GuardedSender {

    public static final String BREAKER = "provider";

    private final CircuitBreakerMaintenance breakers;

    public GuardedSender(CircuitBreakerMaintenance breakers) {
        this.breakers = breakers;
    }

    @Timeout(value = 15, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 2, skipOn = PermanentDeliveryException.class)
    @CircuitBreakerName(BREAKER)
    public String send(ChannelSender sender, DeliveryJob job) {
        return sender.send(job);
    }

    /** The breaker's state as operators read it (readiness data, heartbeat row): closed, open or half_open. */
    public String circuitState() {
        return breakers.currentState(BREAKER).name().toLowerCase(Locale.ROOT);
    }
}
