package io.notiflow.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long a {@code request_id} / {@code Idempotency-Key} holds (API_IDEMPOTENCY_WINDOW, default 24 h) and how
 * expired keys are purged.
 */
@ConfigMapping(prefix = "api.idempotency")
public interface IdempotencySettings {

    /** A key answers repeats for this long after its first request; after that it may be used again. */
    @WithDefault("24h")
    Duration window();

    /** How often expired keys are deleted (API_IDEMPOTENCY_PURGE_EVERY). */
    @WithDefault("10m")
    String purgeEvery();

    /** Rows deleted per statement (and transaction), so a purge never holds many locks for long. */
    @WithDefault("1000")
    int purgeBatch();
}
