package io.notiflow.core.worker;

/**
 * A classified provider failure. {@link #errorClass()} is the short name an operator filters on
 * (for example {@code smtp-550} or {@code twilio-21211}); it goes to the DLQ headers and the attempt rows.
 */
public abstract class DeliveryException extends RuntimeException {

    private final String errorClass;

    protected DeliveryException(String errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    public String errorClass() {
        return errorClass;
    }

    public abstract boolean isPermanent();
}
