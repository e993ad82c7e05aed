package io.notiflow.api.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.notiflow.api.config.StrictJson;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.UnprocessableRequestException;
import io.notiflow.core.http.Problem;
import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns every failure into a problem document ({@link Problems}): bad input is a 4xx naming the field, never a
 * 500, and no answer names a class or package.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** Headers of a framework's answer that a client needs (405's Allow, a Retry-After). */
    private static final List<String> KEPT_HEADERS = List.of(HttpHeaders.ALLOW, HttpHeaders.RETRY_AFTER,
            HttpHeaders.WWW_AUTHENTICATE);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return Problems.invalid(e.fields());
    }

    /**
     * A request record's constraints: each violation under the field's JSON name ({@code user_ids[1]},
     * {@code data.k}); a constraint on a path or query parameter under the parameter's name, and on a missing
     * body under {@code body}.
     */
    @ServerExceptionMapper({ConstraintViolationException.class,
            io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException.class})
    public Response violated(ConstraintViolationException e) {
        Map<String, String> fields = new LinkedHashMap<>();
        e.getConstraintViolations().stream()
                .map(v -> Map.entry(FieldRules.printable(field(v.getPropertyPath())), v.getMessage()))
                // Sorted, so the answer is the same every time (the validator's order is not).
                .sorted(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                .forEach(entry -> fields.putIfAbsent(entry.getKey(), entry.getValue()));
        return Problems.invalid(fields);
    }

    /** A body Jackson could not bind to the request record: the field and the JSON type it takes. */
    @ServerExceptionMapper
    public Response unreadable(MismatchedInputException e) {
        return Problems.invalid(jsonProblem(e));
    }

    static String field(Path path) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY -> field.append(field.isEmpty() ? "" : ".").append(node.getName());
                case CONTAINER_ELEMENT -> {
                    if (node.getIndex() != null) {
                        field.append('[').append(node.getIndex()).append(']');
                    } else if (node.getKey() != null) {
                        field.append('.').append(node.getKey());
                    }
                }
                default -> {
                }
            }
        }
        // Storable names a place inside a field as "[2]" or "k.x".
        return field.isEmpty() ? String.valueOf(parameter) : field.toString().replace(".[", "[");
    }

    /** Jackson's problem in the caller's terms: where, and what JSON was expected; never Jackson's own text. */
    private static Map<String, String> jsonProblem(JsonProcessingException e) {
        if (e instanceof StrictJson.InvalidBody body) {
            return body.fields();
        }
        if (e instanceof StreamConstraintsException) {
            return Map.of("body", "is nested too deeply, or holds a number or text too long to read");
        }
        if (e instanceof JsonParseException parse) {
            return Map.of("body", "is not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr() + ")");
        }
        if (e instanceof JsonMappingException mapping) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            Class<?> expected = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
            return Map.of(field.isEmpty() ? "body" : FieldRules.printable(field), "must be " + jsonType(expected));
        }
        return Map.of("body", "cannot be read as JSON");
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

    /** 422: the request is well-formed but cannot be carried out (a reused idempotency key, a template's limits). */
    @ServerExceptionMapper
    public Response unprocessable(UnprocessableRequestException e) {
        return Problems.response(Problem.of(422, Problems.title(422), e.getMessage()).withFields(e.fields()));
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return ContentTypeRule.unsupported();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // The JSON reader's own 400: malformed JSON, nesting or a number too long to read.
            return Problems.invalid(jsonProblem(json));
        }
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return Problems.of(500, "internal error");
        }
        // The framework's own texts name its annotations ("did not match the value in @Produces").
        String detail = switch (status) {
            case 405 -> "this path does not take this method";
            case 406 -> "the answer is JSON: accept application/json (errors: application/problem+json)";
            default -> Problems.safeDetail(e.getMessage(), status);
        };
        Response answer = Problems.response(Problem.of(status, Problems.title(status), detail));
        Response.ResponseBuilder builder = Response.fromResponse(answer);
        for (String header : KEPT_HEADERS) {
            Object value = original.getHeaders().getFirst(header);
            if (value != null) {
                builder.header(header, value);
            }
        }
        return builder.build();
    }

    /**
     * The database is unreachable. A connection lost during a commit leaves the outcome unknown, so the answer
     * does not claim nothing was stored: a retry with the same request_id / Idempotency-Key never duplicates.
     */
    @ServerExceptionMapper({PersistenceException.class, SQLException.class})
    public Response databaseDown(Exception e) {
        LOG.errorf("database unavailable: %s", e.getMessage());
        return Problems.unavailable("the database is unavailable; retry later (with the same request_id or"
                + " Idempotency-Key a retry is never accepted twice)", 5);
    }

    /**
     * Anything else: a database failure wrapped by the transaction manager (a commit whose connection dropped)
     * is still a 503; the rest is a 500 with nothing of the internals in the body.
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException || cause instanceof PersistenceException) {
                return databaseDown(e);
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (suppressed instanceof SQLException || suppressed.getCause() instanceof SQLException) {
                    return databaseDown(e);
                }
            }
        }
        LOG.error("request failed", e);
        return Problems.of(500, "internal error");
    }
}
