package io.notiflow.api.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of error answers: {@code {"error": ...}} and, for bad input, {@code "fields": {name: problem}}. */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    static Map<String, Object> invalid(Map<String, String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid request");
        body.put("fields", fields);
        return body;
    }

    static Map<String, Object> rateLimited(long retryAfterSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "rate limit exceeded for this API key");
        body.put("retryAfterSeconds", retryAfterSeconds);
        return body;
    }
}
