package io.notiflow.core.health;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alive unless one of this process's database writer threads ({@link TimedWriters}: a worker's claims and verdicts,
 * api-service's accept writer, the gateway's status marks) has been inside one write for {@code writers.stuck-after}
 * (default 2 minutes). A write the database refuses fails within seconds, so one that runs for minutes is a thread
 * stuck for good: every caller waits on it and none completes. Restarting the process is the cure, and costs nothing
 * accepted: a worker's unacked jobs go back to the queue, an accept that never committed was never answered 202, and
 * a gateway's unwritten marks leave rows in the unread backlog.
 * <p>
 * Only writers this process has created are asked (a bean is not created just to be checked), so the data names
 * exactly the writers that run here.
 */
@Liveness
@Startup // a wrong WRITERS_STUCK_AFTER stops the boot, not the first probe
@ApplicationScoped
public class WriterLivenessCheck implements HealthCheck {

    static final String NAME = "database-writers";

    private final Duration stuckAfter;

    public WriterLivenessCheck(@ConfigProperty(name = "writers.stuck-after", defaultValue = "2m") Duration stuckAfter) {
        if (stuckAfter.isNegative() || stuckAfter.isZero()) {
            throw new IllegalArgumentException("writers.stuck-after (WRITERS_STUCK_AFTER) must be a positive duration,"
                    + " e.g. 2m; got " + stuckAfter);
        }
        this.stuckAfter = stuckAfter;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Duration> writes = new TreeMap<>();
        for (Object bean : Arc.container().getActiveContext(ApplicationScoped.class).getState()
                .getContextualInstances().values()) {
            if (bean instanceof TimedWriters writers) {
                writes.putAll(writers.writesInProgress());
            }
        }
        String longestWriter = null;
        Duration longest = Duration.ZERO;
        for (Map.Entry<String, Duration> write : writes.entrySet()) {
            if (longestWriter == null || write.getValue().compareTo(longest) > 0) {
                longestWriter = write.getKey();
                longest = write.getValue();
            }
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(longest.compareTo(stuckAfter) < 0)
                .withData("writers", String.join(",", writes.keySet()))
                .withData("longestWriteMs", longest.toMillis())
                .withData("stuckAfterMs", stuckAfter.toMillis());
        if (longestWriter != null && !longest.isZero()) {
            response.withData("longestWriter", longestWriter);
        }
        return response.build();
    }
}
