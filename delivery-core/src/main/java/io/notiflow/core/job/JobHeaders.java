package io.notiflow.core.job;

/** AMQP header names carried by jobs; operators see them in the management console. */
public final class JobHeaders {
    /** Follows a notification from the HTTP request to the worker's log lines. */
    public static final String CORRELATION_ID = "x-correlation-id";
    public static final String NOTIFICATION_ID = "x-notification-id";
    /** Number of failed delivery attempts so far; absent on a fresh job. */
    public static final String ATTEMPTS = "x-attempts";

    // Set on jobs parked in a dead-letter queue, saying why.
    public static final String ERROR_CLASS = "x-error-class";
    public static final String ERROR_MESSAGE = "x-error-message";
    public static final String FAILURE_KIND = "x-failure-kind";
    public static final String LAST_ATTEMPT_AT = "x-last-attempt-at";

    private JobHeaders() {
    }
}
