package io.notiflow.core.correlation;

import org.jboss.logging.MDC;

import java.util.UUID;

/** The correlation id: one per notification, from the HTTP request through queue headers to worker logs. */
public final class Correlation {
    public static final String HTTP_HEADER = "X-Correlation-Id";
    /** Log formats print it with %X{correlationId}. */
    public static final String MDC_KEY = "correlationId";
    private static final int MAX_LENGTH = 128;

    private Correlation() {
    }

    /** Restores the previous correlation id when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Keeps a caller's id when it is usable, otherwise makes a new one. */
    public static String acceptOrCreate(String candidate) {
        if (candidate != null && !candidate.isBlank() && candidate.length() <= MAX_LENGTH
                && candidate.chars().allMatch(c -> c > 32 && c < 127)) {
            return candidate;
        }
        return UUID.randomUUID().toString();
    }

    public static Scope inScope(String correlationId) {
        Object previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, correlationId);
        return () -> {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        };
    }
}
