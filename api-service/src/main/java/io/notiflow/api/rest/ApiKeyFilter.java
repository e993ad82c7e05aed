package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;
import io.notiflow.api.service.ApiKeyRateLimiter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Every /api/* call needs a configured X-API-Key (401 otherwise) and stays within that key's rate (429 with
 * Retry-After otherwise); request bodies are bounded (400 above the limit).
 */
public class ApiKeyFilter {

    public static final String HEADER = "X-API-Key";

    private final List<byte[]> keys;
    private final int maxBodyBytes;
    private final ApiKeyRateLimiter rateLimiter;

    public ApiKeyFilter(ApiSettings settings, ApiKeyRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.keys = settings.keys().stream()
                .filter(k -> !k.isBlank())
                .map(k -> k.trim().getBytes(StandardCharsets.UTF_8))
                .toList();
        this.maxBodyBytes = settings.maxBodyBytes();
    }

    @ServerRequestFilter(preMatching = true, priority = 200)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return null;
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
            return Response.status(Response.Status.TOO_MANY_REQUESTS).type(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.RETRY_AFTER, retryAfter.getAsLong())
                    .entity(ErrorBodies.rateLimited(retryAfter.getAsLong()))
                    .build();
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorBodies.invalid(Map.of("body", "is larger than " + maxBodyBytes + " bytes")))
                    .build();
        }
        return null;
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
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
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + HEADER + "\"")
                .entity(ErrorBodies.error(why))
                .build();
    }
}
