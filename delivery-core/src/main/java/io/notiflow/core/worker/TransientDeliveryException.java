package io.notiflow.core.worker;

import java.time.Duration;
import java.util.Optional;

/** A failure worth retrying on the ladder (timeouts, refused connections, 429, 5xx). */
public class TransientDeliveryException extends DeliveryException {

    private final Duration retryAfter;

    public TransientDeliveryException(String errorClass, String message, Throwable cause, Duration retryAfter) {
        super(errorClass, message, cause);
        this.retryAfter = retryAfter;
    }

    public TransientDeliveryException(String errorClass, String message, Throwable cause) {
        this(errorClass, message, cause, null);
    }

    /** The provider's own Retry-After, when it gave one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isPermanent() {
        return false;
    }
}
