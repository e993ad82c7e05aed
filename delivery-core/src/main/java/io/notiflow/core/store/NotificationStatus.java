package io.notiflow.core.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The status column's values, as SQL sees them (lower case). */
public enum NotificationStatus {
    QUEUED, RETRYING, SENT, FAILED, DELIVERED, READ, SKIPPED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Delivered already (or never to be): a job arriving for such a row is a redelivery and sends nothing. */
    public boolean isSettled() {
        return this == SENT || this == DELIVERED || this == READ || this == SKIPPED;
    }

    public static Optional<NotificationStatus> fromKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst();
    }

    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(NotificationStatus::key).toList());
    }
}
