package io.notiflow.core.store;

/** What a delivery attempt led to; stored in {@code delivery_attempts.verdict} (V12). */
public enum AttemptVerdict {
    /** The provider accepted the message: the notification is sent. */
    SENT("sent"),
    /** Handed on to a hop that settles the status itself (the in-app gateways). */
    HANDED_ON("handed-on"),
    /** Failed transiently: on the retry ladder until {@code retry_at}. */
    RETRY("retry"),
    /** Not attempted (the provider's circuit was open): waiting on the ladder without a retry spent. */
    DEFERRED("deferred"),
    /** Failed for good: the job is in the channel's dead-letter queue. */
    DEAD_LETTER("dead-letter");

    private final String key;

    AttemptVerdict(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static AttemptVerdict fromKey(String key) {
        for (AttemptVerdict v : values()) {
            if (v.key.equals(key)) {
                return v;
            }
        }
        throw new IllegalStateException("unknown verdict '" + key + "' in delivery_attempts");
    }
}
