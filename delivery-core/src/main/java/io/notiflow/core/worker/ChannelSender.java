package io.notiflow.core.worker;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;

/**
 * What a channel module implements: send one message over its provider, nothing else. Retries, the circuit
 * breaker, dead-lettering and status rows are the engine's ({@link DeliveryWorker}).
 * <p>
 * Provider errors are mapped to {@link PermanentDeliveryException} (no retry can fix them) or
 * {@link TransientDeliveryException}; any other exception counts as transient.
 */
public interface ChannelSender {

    Channel channel();

    /** Sends the job's message and returns the provider's message id (may be null when it gives none). */
    String send(DeliveryJob job);

    /**
     * True when a successful {@link #send} only hands the job on to a further hop that settles the notification's
     * status itself (the in-app gateway marks a row sent once a socket took it, which may be much later). The
     * engine then records the attempt but does not mark the row sent.
     */
    default boolean settlesStatusItself() {
        return false;
    }
}
