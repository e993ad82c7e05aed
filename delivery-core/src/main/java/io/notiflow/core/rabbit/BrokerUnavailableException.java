package io.notiflow.core.rabbit;

/** The broker could not be reached or did not take a message; the caller keeps the job and tries later. */
public class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
