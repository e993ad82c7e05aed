package io.notiflow.api.service;

/**
 * A request's idempotency key, resolved by {@link IdempotencyKeys}: its value, the field it came in
 * ({@code request_id} or the {@code Idempotency-Key} header), the SHA-256 of the API key that sent it (keys are
 * scoped per API key) and the SHA-256 of the request itself (the same key with another request is refused).
 */
public record IdempotencyKey(String value, String field, String apiKeySha256, String requestSha256) {
}
