package io.notiflow.core.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Worker tuning (WORKER_CONCURRENCY). */
@ConfigMapping(prefix = "worker")
public interface WorkerSettings {
    /** Deliveries in flight at once; also the consumer prefetch, so the broker never hands over more. */
    @WithDefault("16")
    int concurrency();

    /**
     * How long a delivery's claim on its row lasts (WORKER_CLAIM_LEASE). Longer than the provider timeout, so a
     * live delivery never loses it; a worker that dies mid-send blocks the job's redelivery at most this long.
     */
    @WithDefault("45s")
    java.time.Duration claimLease();

    /**
     * How often a worker writes its {@code worker_instances} row ({@link WorkerHeartbeat}). Set in delivery-core's
     * {@code microprofile-config.properties}, not from the environment: api-service counts a worker as gone after
     * {@code WorkerInstanceRepository.LIVE}, which assumes this interval.
     */
    java.time.Duration heartbeat();
}
