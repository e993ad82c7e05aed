package io.notiflow.core.health;

import java.time.Duration;
import java.util.Map;

/**
 * A bean whose background threads write to the database for others (group commit, batched marks): what the
 * {@link WriterLivenessCheck} watches. A writer that stops returning stalls every caller that waits on it.
 */
public interface TimedWriters {

    /** Each writer's name and how long the write it is inside now has run; zero when it is idle. */
    Map<String, Duration> writesInProgress();
}
