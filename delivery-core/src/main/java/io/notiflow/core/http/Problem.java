package io.notiflow.core.http;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The one shape of every error answer on every service: an RFC 9457 problem document, sent as
 * {@value #MEDIA_TYPE}. {@code type} is {@code about:blank} (the status says it all), {@code title} the status's
 * reason phrase, {@code detail} what went wrong in words a caller can act on. Extension members: {@code fields}
 * (bad input: field name → problem) and {@code retryAfterSeconds} (429, 503). A detail never names a class or a
 * package of ours or of a library.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, Map<String, String> fields,
                      Long retryAfterSeconds) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }

    /** A 400 naming each bad field. */
    public static Problem invalid(Map<String, String> fields) {
        return new Problem("about:blank", "Bad Request", 400, "invalid request", fields, null);
    }

    public Problem withFields(Map<String, String> fields) {
        return new Problem(type, title, status, detail, fields, retryAfterSeconds);
    }

    public Problem withRetryAfter(long seconds) {
        return new Problem(type, title, status, detail, fields, seconds);
    }
}
