package io.notiflow.api.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A well-formed request that cannot be carried out as it stands: an idempotency key already used for another
 * request, a template that renders past its limits. Answered with 422 naming each field; nothing stored or queued.
 */
public class UnprocessableRequestException extends RuntimeException {

    private final Map<String, String> fields;

    public UnprocessableRequestException(String detail, Map<String, String> fields) {
        super(detail);
        this.fields = new LinkedHashMap<>(fields);
    }

    public Map<String, String> fields() {
        return fields;
    }
}
