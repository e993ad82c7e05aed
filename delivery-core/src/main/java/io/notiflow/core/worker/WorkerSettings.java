package io.notiflow.core.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Worker tuning (WORKER_CONCURRENCY). */
@ConfigMapping(prefix = "worker")
public interface WorkerSettings {
    /** Deliveries in flight at once; also the consumer prefetch, so the broker never hands over more. */
    @WithDefault("16")
    int concurrency();
}
