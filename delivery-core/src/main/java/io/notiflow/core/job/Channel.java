package io.notiflow.core.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The delivery channels; {@link #key()} is the wire name, the routing key and the queue name part. */
public enum Channel {
    EMAIL, SMS, PUSH, INAPP;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Channel> fromKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(c -> c.key().equals(key)).findFirst();
    }

    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(Channel::key).toList());
    }
}
