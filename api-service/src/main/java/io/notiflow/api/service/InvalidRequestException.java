package io.notiflow.api.service;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bad input: each offending field with what is wrong with it. Answered with 400; nothing stored or queued. */
public class InvalidRequestException extends RuntimeException {

    private final Map<String, String> fields;

    public InvalidRequestException(Map<String, String> fields) {
        super("invalid request: " + fields);
        this.fields = new LinkedHashMap<>(fields);
    }

    public static InvalidRequestException of(String field, String problem) {
        return new InvalidRequestException(Map.of(field, problem));
    }

    public Map<String, String> fields() {
        return fields;
    }
}
