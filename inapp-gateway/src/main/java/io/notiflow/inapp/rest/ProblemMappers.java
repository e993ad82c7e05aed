package io.notiflow.inapp.rest;

import io.notiflow.core.http.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Every error of the inbox API as {@code application/problem+json} ({@link Problem}). The detail is always ours:
 * an exception's own message may name classes, so it reaches a body only from {@link BadParameterException}.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final long RETRY_AFTER_SECONDS = 5;
    private static final Map<Integer, String> DETAILS = Map.of(
            404, "no such resource",
            405, "this method is not allowed on this path",
            406, "the inbox API answers application/json",
            413, "the request body is too large",
            415, "unsupported content type");

    @ServerExceptionMapper
    public Response badParameter(BadParameterException e) {
        return answer(Problem.invalid(Map.of(e.parameter(), e.getMessage())));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(answer(Problem.of(401, "Unauthorized",
                        "a valid user token is required (Authorization: Bearer <jwt>)")))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return answer(Problem.of(403, "Forbidden", "this token may not do that"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        return answer(Problem.of(status, title, DETAILS.getOrDefault(status, title.toLowerCase())));
    }

    @ServerExceptionMapper
    public Response unavailable(PersistenceException e) {
        LOG.warnf("inbox request failed, database unavailable: %s", e.getMessage());
        return Response.fromResponse(answer(Problem.of(503, "Service Unavailable",
                        "the inbox is unavailable; try again").withRetryAfter(RETRY_AFTER_SECONDS)))
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("inbox request failed", e);
        return answer(Problem.of(500, "Internal Server Error", "the request failed; it has been logged"));
    }

    private static Response answer(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
