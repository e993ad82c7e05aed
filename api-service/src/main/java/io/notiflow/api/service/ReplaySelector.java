package io.notiflow.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.notiflow.core.rabbit.DeadLetterQueue.DeadLetter;

import java.util.ArrayList;
import java.util.Iterator;
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

    /** Reads a request body; every problem is a 400 naming the field. */
    public static ReplaySelector from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw InvalidRequestException.of("body", "a JSON object with one of all, ids, error_class is required");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> given = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("all") || name.equals("ids") || name.equals("error_class")) {
                given.add(name);
            } else {
                errors.put(name, "is not a replay selector; use one of all, ids, error_class");
            }
        }
        if (given.isEmpty() && errors.isEmpty()) {
            errors.put("body", "give exactly one of all, ids, error_class");
        }
        if (given.size() > 1) {
            given.forEach(name -> errors.put(name, "only one of all, ids, error_class may be given"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        String field = given.get(0);
        JsonNode value = body.get(field);
        return switch (field) {
            case "all" -> {
                if (!value.isBoolean() || !value.booleanValue()) {
                    throw InvalidRequestException.of("all", "must be true");
                }
                yield new ReplaySelector(Kind.ALL, Set.of(), null);
            }
            case "ids" -> new ReplaySelector(Kind.IDS, ids(value), null);
            default -> {
                if (!value.isTextual() || value.textValue().isBlank()) {
                    throw InvalidRequestException.of("error_class", "must be a non-empty string, e.g. smtp-550");
                }
                yield new ReplaySelector(Kind.ERROR_CLASS, Set.of(), value.textValue().trim());
            }
        };
    }

    private static Set<UUID> ids(JsonNode value) {
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_IDS) {
            throw InvalidRequestException.of("ids", "must be a list of 1 to " + MAX_IDS + " notification ids");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode id = value.get(i);
            try {
                ids.add(UUID.fromString(id.isTextual() ? id.textValue() : ""));
            } catch (IllegalArgumentException e) {
                throw InvalidRequestException.of("ids[" + i + "]", "is not a notification id (UUID)");
            }
        }
        return ids;
    }
}
