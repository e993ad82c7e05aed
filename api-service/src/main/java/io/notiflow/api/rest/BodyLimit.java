package io.notiflow.api.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.api.config.ApiSettings;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;

/**
 * The request body limit ({@code api.max-body-bytes}, 1 MiB by default) on every /api path, whatever the transfer
 * encoding ({@link io.notiflow.core.http.BodyLimit}); nothing above it is stored. {@code
 * quarkus.http.limits.max-body-size} stays above it as the transport's backstop.
 */
@ApplicationScoped
public class BodyLimit {

    private final int maxBodyBytes;
    private final ObjectMapper mapper;

    public BodyLimit(ApiSettings settings, ObjectMapper mapper) {
        this.maxBodyBytes = settings.maxBodyBytes();
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        io.notiflow.core.http.BodyLimit.install(router, "/api/*", maxBodyBytes, mapper);
    }

    /** The body the limit read (in full, within the limit) is the entity the REST layer reads. */
    @ServerRequestFilter(preMatching = true, priority = 50)
    public void useReadBody(ContainerRequestContext request, RoutingContext routing) {
        byte[] body = io.notiflow.core.http.BodyLimit.readBody(routing);
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }
}
