package io.notiflow.core.store;

import java.util.Locale;

/** What one delivery attempt came to; stored in delivery_attempts.outcome. */
public enum AttemptOutcome {
    /** The provider accepted the message. */
    SENT,
    /** Failed in a way worth retrying (timeouts, refused connections, 4xx SMTP, 429, 5xx). */
    TRANSIENT,
    /** Failed in a way no retry can fix (bad address, 5xx SMTP, provider 4xx). */
    PERMANENT,
    /** Not attempted: the provider's circuit was open, so the job waits on the ladder. */
    DEFERRED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
