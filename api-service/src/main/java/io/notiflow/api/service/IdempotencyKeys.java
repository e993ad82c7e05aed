package io.notiflow.api.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.notiflow.api.rest.NotifyRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The one place a POST /api/notify's idempotency key is read: {@code request_id} in the body or the
 * {@code Idempotency-Key} header (both: they must be equal), 1-255 printable ASCII characters. The key is scoped by
 * the SHA-256 of the API key that sent it, so callers with different API keys never share keys, and carries the
 * SHA-256 of the request (canonical JSON: map keys sorted, the key itself left out), so a repeat can be told from a
 * different request under the same key.
 */
@ApplicationScoped
public class IdempotencyKeys {

    public static final String BODY_FIELD = "request_id";
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private final ObjectMapper canonical;

    public IdempotencyKeys(ObjectMapper json) {
        this.canonical = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /** The request's key, or null when it has none; a malformed key is a 400 naming where it came from. */
    public IdempotencyKey resolve(NotifyRequest request, String header, String apiKey) {
        String field = request.requestId();
        if (field != null && header != null && !field.equals(header)) {
            throw InvalidRequestException.of(BODY_FIELD,
                    "differs from the Idempotency-Key header; send one or make them equal");
        }
        String value = field != null ? field : header;
        if (value == null) {
            return null;
        }
        String from = field != null ? BODY_FIELD : HEADER;
        if (value.isBlank() || value.length() > MAX_LENGTH || !value.chars().allMatch(c -> c > 32 && c < 127)) {
            throw InvalidRequestException.of(from, "must be 1-" + MAX_LENGTH
                    + " printable ASCII characters without spaces");
        }
        return new IdempotencyKey(value, from, sha256(apiKey == null ? "" : apiKey.trim()),
                sha256(canonicalJson(request)));
    }

    @SuppressWarnings("unchecked")
    private String canonicalJson(NotifyRequest request) {
        Map<String, Object> fields = canonical.convertValue(request, Map.class);
        fields.remove(BODY_FIELD);
        try {
            return canonical.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed request cannot be written back as JSON", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
