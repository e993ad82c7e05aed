package io.notiflow.api.rest;

import io.notiflow.core.http.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds every error answer of api-service: an {@link Problem} sent as {@value Problem#MEDIA_TYPE}, whatever the
 * status, so a client reads one shape for a 400, a 404 of an unknown path or a 503.
 */
public final class Problems {

    /** A Java class or package name ({@code com.fasterxml.jackson...}, {@code java.lang.String}). */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+\\.[A-Z]\\w*|`");

    /** The answer's text for a request without a body (the body parameter's @NotNull). */
    public static final String BODY_REQUIRED = "a JSON object is required";

    private Problems() {
    }

    public static Response of(int status, String detail) {
        return response(Problem.of(status, title(status), detail));
    }

    /** 400 naming each bad field. */
    public static Response invalid(Map<String, String> fields) {
        return response(Problem.invalid(fields));
    }

    /** 503 with Retry-After, in the header and in {@code retryAfterSeconds}. */
    public static Response unavailable(String detail, long retryAfterSeconds) {
        return response(Problem.of(503, title(503), detail).withRetryAfter(retryAfterSeconds));
    }

    public static Response response(Problem problem) {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        return builder.build();
    }

    /** The status's reason phrase (RFC 9110 wording where JAX-RS has none). */
    public static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase();
        }
        return switch (status) {
            case 422 -> "Unprocessable Content";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }

    /**
     * A framework's message as a detail, unless it is the bare status ("HTTP 404 Not Found") or names a class or
     * a package; then the reason phrase.
     */
    public static String safeDetail(String message, int status) {
        if (message == null || message.isBlank() || message.startsWith("HTTP ")
                || CLASS_NAME.matcher(message).find()) {
            return title(status);
        }
        return message;
    }
}
