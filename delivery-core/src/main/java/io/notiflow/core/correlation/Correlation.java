package io.notiflow.core.correlation;

import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    /**
     * Keeps a caller's id when it is usable, otherwise makes a new one: a random (version 4) UUID drawn from a fast
     * generator, since a correlation id only has to be unique, not unguessable (SecureRandom, which
     * {@link UUID#randomUUID} draws from, was most of a filter's cost on every request).
     */
    public static String acceptOrCreate(String candidate) {
        if (candidate != null && !candidate.isBlank() && candidate.length() <= MAX_LENGTH
                && candidate.chars().allMatch(c -> c > 32 && c < 127)) {
            return candidate;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // the IETF variant
        return new UUID(high, low).toString();
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
