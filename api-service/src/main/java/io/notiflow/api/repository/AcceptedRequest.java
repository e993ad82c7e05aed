package io.notiflow.api.repository;

import java.util.Map;

/**
 * A live row of {@code accepted_requests}: the first answer given under an idempotency key, and the SHA-256 of the
 * request it answered ({@code requestSha256} null for a row kept from before requests were hashed).
 */
public record AcceptedRequest(String requestSha256, Map<String, Object> response) {
}
