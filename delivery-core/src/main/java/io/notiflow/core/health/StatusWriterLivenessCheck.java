package io.notiflow.core.health;

import io.notiflow.core.status.StatusRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;

/**
 * Alive unless a status writer (the claims' or the verdicts' {@code GroupCommit} thread) has been inside one write
 * for {@link #STUCK_AFTER}. A write the database refuses fails within seconds (the pool's acquisition timeout, the
 * statement's), so one that runs for minutes is a thread stuck for good: every delivery waits on it and none
 * completes. Restarting the process is the cure, and costs nothing accepted: its unacked jobs go back to the queue.
 */
@Liveness
@ApplicationScoped
public class StatusWriterLivenessCheck implements HealthCheck {

    static final Duration STUCK_AFTER = Duration.ofMinutes(2);

    private final Instance<StatusRecorder> recorder;

    public StatusWriterLivenessCheck(Instance<StatusRecorder> recorder) {
        this.recorder = recorder;
    }

    @Override
    public HealthCheckResponse call() {
        Duration longest = recorder.isResolvable() ? recorder.get().longestWrite() : Duration.ZERO;
        return HealthCheckResponse.named("status-writers")
                .status(longest.compareTo(STUCK_AFTER) < 0)
                .withData("longestWriteMs", longest.toMillis())
                .withData("stuckAfterMs", STUCK_AFTER.toMillis())
                .build();
    }
}
