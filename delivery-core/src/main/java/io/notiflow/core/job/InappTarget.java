package io.notiflow.core.job;

import java.util.Objects;

/**
 * The recipient of an in-app notification, typed: a user by id, a room by name, or everyone ({@code name} null).
 * The fan-out message and the gateways' socket registry take this, never a receiver string to interpret.
 */
public record InappTarget(TargetKind kind, String name) {

    public InappTarget {
        Objects.requireNonNull(kind, "kind");
        if (kind != TargetKind.EVERYONE) {
            Objects.requireNonNull(name, "name");
        }
    }

    public static InappTarget user(String id) {
        return new InappTarget(TargetKind.USER, id);
    }

    public static InappTarget room(String name) {
        return new InappTarget(TargetKind.ROOM, name);
    }

    public static InappTarget everyone() {
        return new InappTarget(TargetKind.EVERYONE, null);
    }

    /** The target a stored row names: its {@code target_kind} and its {@code receiver}. */
    public static InappTarget of(TargetKind kind, String receiver) {
        return kind == TargetKind.EVERYONE ? everyone() : new InappTarget(kind, receiver);
    }
}
