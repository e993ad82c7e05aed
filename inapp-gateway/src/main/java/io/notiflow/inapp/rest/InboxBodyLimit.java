package io.notiflow.inapp.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.http.BodyLimit;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The inbox API takes no request bodies: one over {@code quarkus.http.limits.max-body-size} (16 KB) is a 413,
 * chunked or not, also on a path that would answer without reading it.
 */
@ApplicationScoped
public class InboxBodyLimit {

    private final int maxBodyBytes;
    private final ObjectMapper mapper;

    public InboxBodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                          ObjectMapper mapper) {
        this.maxBodyBytes = (int) maxBodySize.asLongValue();
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        BodyLimit.install(router, "/api/*", maxBodyBytes, mapper);
    }
}
