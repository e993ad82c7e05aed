package io.notiflow.api.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.api.service.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;

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
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw InvalidRequestException.of("body", "a JSON object is required, not null");
            }
            return value;
        } catch (JsonParseException e) {
            throw InvalidRequestException.of("body", "is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw InvalidRequestException.of(field.isEmpty() ? "body" : field,
                    "has the wrong JSON type: " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw InvalidRequestException.of("body", "cannot be read: " + firstLine(e.getOriginalMessage()));
        }
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
