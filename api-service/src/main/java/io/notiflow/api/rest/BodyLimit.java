package io.notiflow.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.api.config.ApiSettings;
import io.notiflow.core.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;
import java.util.Map;

/**
 * The request body limit ({@code api.max-body-bytes}, 1 MiB by default) on every /api path, whatever the transfer
 * encoding, before any resource runs: a declared Content-Length above it is refused unread, and a chunked body is
 * read here and reading stops at the limit. Above it: 413 as a problem document, and nothing is stored.
 * {@code quarkus.http.limits.max-body-size} stays above it as the transport's backstop.
 */
@ApplicationScoped
public class BodyLimit {

    /** Runs before the REST layer's own routes. */
    private static final int ORDER = -1_000;
    private static final String READ_HERE = "notiflow.body-read";

    private final int maxBodyBytes;
    private final ObjectMapper mapper;

    public BodyLimit(ApiSettings settings, ObjectMapper mapper) {
        this.maxBodyBytes = settings.maxBodyBytes();
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        BodyHandler chunkedBody = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false);
        router.route("/api/*").order(ORDER)
                .handler(context -> {
                    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null) {
                        if (declaredTooLarge(length)) {
                            context.fail(413); // refused unread
                        } else {
                            context.next(); // HTTP framing holds the body to its declared length
                        }
                    } else if (context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                        context.put(READ_HERE, Boolean.TRUE);
                        chunkedBody.handle(context); // read here, up to the limit
                    } else {
                        context.next(); // no body
                    }
                })
                .failureHandler(this::refuse);
    }

    /** A chunked body read (in full, within the limit) by {@link #install}'s handler is the entity the REST layer reads. */
    @ServerRequestFilter(preMatching = true, priority = 50)
    public void useReadBody(ContainerRequestContext request, RoutingContext routing) {
        if (routing.get(READ_HERE) != null) {
            Buffer body = routing.body().buffer();
            request.setEntityStream(new ByteArrayInputStream(body == null ? new byte[0] : body.getBytes()));
        }
    }

    private boolean declaredTooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // the transport refuses a malformed length itself
        }
    }

    /** A body this handler refused (413, or a form it could not decode), answered as a problem document. */
    private void refuse(RoutingContext context) {
        int status = context.statusCode();
        if (status < 400 || status > 499 || context.response().headWritten()) {
            context.next();
            return;
        }
        Problem problem = status == 413 ? problem(maxBodyBytes)
                : Problem.of(status, Problems.title(status), "the request body cannot be read");
        String body;
        try {
            body = mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"type\":\"about:blank\",\"status\":" + status + "}";
        }
        // The rest of the body is not read: the connection closes after the answer.
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }

    private static Problem problem(int limit) {
        return new Problem("about:blank", Problems.title(413), 413, "the request body is larger than " + limit
                + " bytes", Map.of("body", "is larger than " + limit + " bytes"), null);
    }
}
