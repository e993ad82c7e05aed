package io.notiflow.core.worker;

/** A failure no retry can fix (invalid address, provider 4xx other than 429): straight to the DLQ. */
public class PermanentDeliveryException extends DeliveryException {

    public PermanentDeliveryException(String errorClass, String message, Throwable cause) {
        super(errorClass, message, cause);
    }

    public PermanentDeliveryException(String errorClass, String message) {
        this(errorClass, message, null);
    }

    @Override
    public boolean isPermanent() {
        return true;
    }
}
