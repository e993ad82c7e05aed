package io.notiflow.api.rest;

import io.notiflow.core.correlation.Correlation;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Takes the caller's X-Correlation-Id (or makes one), puts it in the log context for the request, and echoes it
 * in the response; the accepted notification row and its queue headers carry the same id.
 */
public class CorrelationFilter {

    private static final String PROPERTY = "notiflow.correlation-id";

    @ServerRequestFilter(preMatching = true, priority = 100)
    public void assign(ContainerRequestContext request) {
        String id = Correlation.acceptOrCreate(request.getHeaderString(Correlation.HTTP_HEADER));
        request.setProperty(PROPERTY, id);
        MDC.put(Correlation.MDC_KEY, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(Correlation.HTTP_HEADER, id.toString());
        }
        MDC.remove(Correlation.MDC_KEY);
    }

    /** The current request's correlation id (set by {@link #assign}). */
    static String current(ContainerRequestContext request) {
        Object id = request.getProperty(PROPERTY);
        return id == null ? Correlation.acceptOrCreate(null) : id.toString();
    }
}
