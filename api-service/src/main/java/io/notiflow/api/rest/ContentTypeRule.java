package io.notiflow.api.rest;

import io.notiflow.core.http.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Locale;
import java.util.Map;

/**
 * A request that carries a body must say it is JSON ({@code Content-Type: application/json}, UTF-8 if a charset is
 * given): anything else, or no Content-Type at all, is a 415. A provider's callback is the provider's own form, and
 * its resource says what it consumes. Runs after matching, so an unknown path stays a 404
 * and a wrong method a 405.
 */
public class ContentTypeRule {

    @ServerRequestFilter(priority = 300)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") || path.startsWith(ApiKeyFilter.PROVIDERS) || !hasBody(request)) {
            return null;
        }
        MediaType type = request.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.isWildcardType()
                || type.isWildcardSubtype()) {
            return unsupported();
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.toLowerCase(Locale.ROOT).replace("\"", "").equals("utf-8")) {
            return unsupported();
        }
        return null;
    }

    static Response unsupported() {
        return Problems.response(new Problem("about:blank", Problems.title(415), 415,
                "the body must be JSON sent as Content-Type: application/json (UTF-8)",
                Map.of(HttpHeaders.CONTENT_TYPE, "must be application/json"), null));
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.getHeaderString("Transfer-Encoding") != null;
    }
}
