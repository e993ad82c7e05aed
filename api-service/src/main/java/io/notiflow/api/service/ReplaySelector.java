package io.notiflow.api.service;

import io.notiflow.core.rabbit.DeadLetterQueue.DeadLetter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Which parked jobs a replay takes: {@code {"all":true}}, {@code {"ids":["<uuid>",...]}} or
 * {@code {"error_class":"smtp-550"}} — exactly one of them.
 */
public record ReplaySelector(Kind kind, Set<UUID> ids, String errorClass) implements Predicate<DeadLetter> {

    public static final int MAX_IDS = 500;
    /** Without a body. */
    public static final String REQUIRED = "a JSON object with one of all, ids, error_class is required";

    public enum Kind {
        ALL("all"), IDS("ids"), ERROR_CLASS("error_class");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** The body field that selects it, also its name in {@code dlq_replays.selector}. */
        public String field() {
            return field;
        }
    }

    @Override
    public boolean test(DeadLetter letter) {
        return switch (kind) {
            case ALL -> true;
            case IDS -> letter.notificationId().map(ids::contains).orElse(false);
            case ERROR_CLASS -> errorClass.equals(letter.errorClass());
        };
    }

    /** What {@code dlq_replays.selector_value} keeps: the error class or the ids asked for. */
    public String value() {
        return switch (kind) {
            case ALL -> null;
            case IDS -> String.join(",", ids.stream().map(UUID::toString).toList());
            case ERROR_CLASS -> errorClass;
        };
    }

    /** Reads a request body's selector fields (null: not given); every problem is a 400 naming the field. */
    public static ReplaySelector from(Boolean all, List<String> ids, String errorClass) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> given = new ArrayList<>();
        if (all != null) {
            given.add(Kind.ALL.field());
        }
        if (ids != null) {
            given.add(Kind.IDS.field());
        }
        if (errorClass != null) {
            given.add(Kind.ERROR_CLASS.field());
        }
        if (given.isEmpty()) {
            errors.put("body", "give exactly one of all, ids, error_class");
        }
        if (given.size() > 1) {
            given.forEach(name -> errors.put(name, "only one of all, ids, error_class may be given"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        if (all != null) {
            if (!all) {
                throw InvalidRequestException.of("all", "must be true");
            }
            return new ReplaySelector(Kind.ALL, Set.of(), null);
        }
        if (ids != null) {
            return new ReplaySelector(Kind.IDS, ids(ids), null);
        }
        if (errorClass.isBlank()) {
            throw InvalidRequestException.of("error_class", "must be a non-empty string, e.g. smtp-550");
        }
        return new ReplaySelector(Kind.ERROR_CLASS, Set.of(), errorClass.trim());
    }

    private static Set<UUID> ids(List<String> values) {
        if (values.isEmpty() || values.size() > MAX_IDS) {
            throw InvalidRequestException.of("ids", "must be a list of 1 to " + MAX_IDS + " notification ids");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            try {
                ids.add(UUID.fromString(values.get(i) == null ? "" : values.get(i)));
            } catch (IllegalArgumentException e) {
                throw InvalidRequestException.of("ids[" + i + "]", "is not a notification id (UUID)");
            }
        }
        return ids;
    }
}
