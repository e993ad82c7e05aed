package io.notiflow.api.rest;

import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.UnprocessableRequestException;
import io.notiflow.core.http.Problem;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.util.List;

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
