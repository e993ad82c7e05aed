package io.notiflow.core.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whom an in-app notification addresses: one user, the members of a room, or everyone connected. It is stored
 * beside the receiver ({@code notifications.target_kind}) and travels in the job, so what the receiver is never
 * depends on how it is spelled: a user id "broadcast" or "room:x" is still a user.
 */
public enum TargetKind {
    USER, ROOM, EVERYONE;

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TargetKind ofKey(String key) {
        return fromKey(key).orElseThrow(() -> new IllegalArgumentException("unknown in-app target kind"));
    }

    public static Optional<TargetKind> fromKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key().equals(key)).findFirst();
    }
}
