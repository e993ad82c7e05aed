package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads request bodies ourselves rather than through the framework's reader, so every JSON problem becomes a 400
 * that names the field in the caller's terms (the field and the JSON type it needs, never a class name): malformed
 * JSON, data after the object, a field the request does not have, a number where a string belongs, U+0000.
 */
@ApplicationScoped
public class RequestJson {

    private final ObjectMapper mapper;
    /** The JSON field names of each request record. */
    private final Map<Class<?>, Set<String>> fieldNames = new ConcurrentHashMap<>();

    public RequestJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw InvalidRequestException.of("body", "a JSON object is required");
        }
        JsonNode tree = parse(body);
        rejectNul(tree, "");
        return type == JsonNode.class ? type.cast(tree) : convert(tree, type);
    }

    /** One JSON value and nothing after it but whitespace. */
    private JsonNode parse(String body) {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonNode tree = mapper.readTree(parser);
            if (tree == null) {
                throw InvalidRequestException.of("body", "a JSON object is required");
            }
            try {
                if (parser.nextToken() != null) {
                    throw trailing(parser);
                }
            } catch (JsonParseException e) {
                throw trailing(parser);
            }
            return tree;
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private static InvalidRequestException trailing(JsonParser parser) {
        return InvalidRequestException.of("body", "has data after the JSON value (line "
                + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr()
                + "); send exactly one JSON object");
    }

    /**
     * No text in a request may hold U+0000: PostgreSQL cannot store it (the insert would fail as if the database
     * were down) and no channel can deliver it, so it is a 400 naming the field. Likewise a number out of range.
     */
    private static void rejectNul(JsonNode node, String path) {
        if (node.isTextual() && node.textValue().indexOf('\u0000') >= 0) {
            throw InvalidRequestException.of(path.isEmpty() ? "body" : path, "must not contain the NUL character");
        }
        // 1e400 reads as infinity, which no JSON (nor jsonb column) can hold.
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw InvalidRequestException.of(path.isEmpty() ? "body" : FieldRules.printable(path),
                    "is a number too large to store");
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                rejectNul(node.get(i), path + "[" + i + "]");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (field.getKey().indexOf('\u0000') >= 0) {
                throw InvalidRequestException.of(FieldRules.printable(name), "must not contain the NUL character");
            }
            rejectNul(field.getValue(), name);
        }
    }

    /**
     * Binds an already parsed body (see {@link #read}) to the request record {@code type}, with the same 400s. A
     * field the record does not have is an error, each one named: a typo in an optional field must not silently
     * change what is sent.
     */
    public <T> T convert(JsonNode tree, Class<T> type) {
        if (tree.isObject() && type.isRecord()) {
            Set<String> known = fieldNames.computeIfAbsent(type, RequestJson::jsonFieldNames);
            Map<String, String> unknown = new LinkedHashMap<>();
            for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    unknown.put(FieldRules.printable(name), "is not a field of this request (fields: "
                            + String.join(", ", known) + ")");
                }
            }
            if (!unknown.isEmpty()) {
                throw new InvalidRequestException(unknown);
            }
        }
        try {
            return nonNull(mapper.treeToValue(tree, type));
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    private static Set<String> jsonFieldNames(Class<?> type) {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            // @JsonProperty on a record component lands on its accessor (the annotation has no record target).
            JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
            names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName());
        }
        return Collections.unmodifiableSet(names);
    }

    /** The strings of a JSON array; anything else in it is a 400 naming {@code field[i]}. */
    public List<String> strings(ArrayNode array, String field) {
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isTextual()) {
                throw InvalidRequestException.of(field + "[" + i + "]", "must be a string");
            }
            values.add(array.get(i).textValue());
        }
        return values;
    }

    private static <T> T nonNull(T value) {
        if (value == null) {
            throw InvalidRequestException.of("body", "a JSON object is required, not null");
        }
        return value;
    }

    /** Jackson's problem in the caller's terms: where, and what JSON was expected; never Jackson's own text. */
    private static InvalidRequestException invalid(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return InvalidRequestException.of("body", "is nested too deeply, or holds a number or text too long to"
                    + " read");
        }
        if (e instanceof JsonParseException parse) {
            return InvalidRequestException.of("body", "is not valid JSON (line " + parse.getLocation().getLineNr()
                    + ", column " + parse.getLocation().getColumnNr() + ")");
        }
        if (e instanceof JsonMappingException mapping) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            Class<?> expected = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
            return InvalidRequestException.of(field.isEmpty() ? "body" : FieldRules.printable(field),
                    "must be " + jsonType(expected));
        }
        return InvalidRequestException.of("body", "cannot be read as JSON");
    }

    /** What a Java target type is called in JSON. */
    private static String jsonType(Class<?> type) {
        if (type == null) {
            return "of the JSON type this field takes";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != void.class)) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
