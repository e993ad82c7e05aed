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
     * True when a successful {@link #send} hands the job on to a further hop that moves the status on itself (the
     * in-app gateways mark a row delivered when a client acks it, which may happen before the engine has written
     * this attempt). The engine then marks a waiting row sent but never overwrites a row that hop moved further.
     */
    default boolean settlesStatusItself() {
        return false;
    }
}
