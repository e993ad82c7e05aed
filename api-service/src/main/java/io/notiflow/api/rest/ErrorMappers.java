package io.notiflow.api.rest;

import io.notiflow.api.service.InvalidRequestException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.util.Map;

/** Turns every failure into a JSON answer: bad input is a 4xx naming the field, never a 500. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return json(Response.Status.BAD_REQUEST, ErrorBodies.invalid(e.fields()));
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return json(Response.Status.BAD_REQUEST, ErrorBodies.invalid(Map.of("Content-Type",
                "must be application/json")));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return json(Response.Status.INTERNAL_SERVER_ERROR, ErrorBodies.error("internal error"));
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : e.getMessage();
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ErrorBodies.error(message)).build();
    }

    /**
     * The database is unreachable. A connection lost during a commit leaves the outcome unknown, so the answer
     * does not claim nothing was stored: a retry with the same request_id / Idempotency-Key never duplicates.
     */
    @ServerExceptionMapper({PersistenceException.class, SQLException.class})
    public Response databaseDown(Exception e) {
        LOG.errorf("database unavailable: %s", e.getMessage());
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .header("Retry-After", "5")
                .entity(ErrorBodies.error("the database is unavailable; retry later (with the same request_id or"
                        + " Idempotency-Key a retry is never accepted twice)"))
                .build();
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
        return json(Response.Status.INTERNAL_SERVER_ERROR, ErrorBodies.error("internal error"));
    }

    private static Response json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
