package io.notiflow.api.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads request bodies ourselves rather than through the framework's reader, so every JSON problem (malformed,
 * wrong shape, a number where a string belongs) becomes a 400 that names the field.
 */
@ApplicationScoped
public class RequestJson {

    private final ObjectMapper mapper;

    public RequestJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw InvalidRequestException.of("body", "a JSON object is required");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
        rejectNul(tree, "");
        return type == JsonNode.class ? type.cast(tree) : convert(tree, type);
    }

    /**
     * No text in a request may hold U+0000: PostgreSQL cannot store it (the insert would fail as if the database
     * were down) and no channel can deliver it, so it is a 400 naming the field.
     */
    private static void rejectNul(JsonNode node, String path) {
        if (node.isTextual() && node.textValue().indexOf('\u0000') >= 0) {
            throw InvalidRequestException.of(path.isEmpty() ? "body" : path, "must not contain the NUL character");
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

    /** Binds an already parsed body (see {@link #read}) to {@code type}, with the same 400s. */
    public <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return nonNull(mapper.treeToValue(tree, type));
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
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

    private static InvalidRequestException invalid(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return InvalidRequestException.of("body", "is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (e instanceof JsonMappingException mapping) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return InvalidRequestException.of(field.isEmpty() ? "body" : field,
                    "has the wrong JSON type: " + firstLine(e.getOriginalMessage()));
        }
        return InvalidRequestException.of("body", "cannot be read: " + firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
