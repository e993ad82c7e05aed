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

    /** The database is unreachable: the caller may retry; nothing was accepted. */
    @ServerExceptionMapper({PersistenceException.class, SQLException.class})
    public Response databaseDown(Exception e) {
        LOG.errorf("database unavailable: %s", e.getMessage());
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .header("Retry-After", "5")
                .entity(ErrorBodies.error("the database is unavailable; nothing was accepted, retry later"))
                .build();
    }

    private static Response json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
