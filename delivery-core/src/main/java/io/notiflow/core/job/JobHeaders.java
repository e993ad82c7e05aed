package io.notiflow.core.job;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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

    /** The headers that say why a job was parked; a job leaving the dead-letter queue sheds them. */
    public static final Set<String> REASONS = Set.of(ERROR_CLASS, ERROR_MESSAGE, FAILURE_KIND, LAST_ATTEMPT_AT);

    /** A copy of a parked job's headers for its way back to the work queue: no reasons, a fresh attempt budget. */
    public static Map<String, Object> forReplay(Map<String, Object> headers) {
        Map<String, Object> replayed = headers == null ? new HashMap<>() : new HashMap<>(headers);
        replayed.keySet().removeAll(REASONS);
        replayed.put(ATTEMPTS, 0);
        return replayed;
    }

    private JobHeaders() {
    }
}
