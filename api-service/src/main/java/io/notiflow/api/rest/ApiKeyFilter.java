package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;
import io.notiflow.api.service.ApiKeyRateLimiter;
import io.notiflow.core.http.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.OptionalLong;

/**
 * Every /api/* call but the providers' signed callbacks ({@value #PROVIDERS}) needs a configured X-API-Key (401
 * otherwise) and stays within that key's rate (429 with Retry-After otherwise). Bodies are bounded by
 * {@link BodyLimit}.
 */
public class ApiKeyFilter {

    public static final String HEADER = "X-API-Key";
    /** The providers' signed callbacks: no API key (their senders have none). */
    static final String PROVIDERS = "/api/providers/";

    private final List<byte[]> keys;
    private final ApiKeyRateLimiter rateLimiter;

    public ApiKeyFilter(ApiSettings settings, ApiKeyRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.keys = settings.keys().stream()
                .filter(k -> !k.isBlank())
                .map(k -> k.trim().getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @ServerRequestFilter(preMatching = true, priority = 200)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api") || path.startsWith(PROVIDERS)) {
            return null; // a provider's callback proves itself with its signature (TwilioStatusResource)
        }
        String presented = request.getHeaderString(HEADER);
        if (presented == null || presented.isBlank()) {
            return unauthorized("missing X-API-Key header");
        }
        if (!known(presented.trim().getBytes(StandardCharsets.UTF_8))) {
            return unauthorized("X-API-Key is not a valid key");
        }
        OptionalLong retryAfter = rateLimiter.tryAcquire(presented.trim());
        if (retryAfter.isPresent()) {
            return Problems.response(Problem.of(429, Problems.title(429), "rate limit exceeded for this API key")
                    .withRetryAfter(retryAfter.getAsLong()));
        }
        return null;
    }

    /** Compares against every key in constant time per key, so timing reveals nothing about a near miss. */
    private boolean known(byte[] presented) {
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    private static Response unauthorized(String why) {
        return Response.fromResponse(Problems.of(401, why))
                .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + HEADER + "\"")
                .build();
    }
}
