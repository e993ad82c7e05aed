package io.notiflow.api.service;

import java.util.Map;

/**
 * The answer to an accepted POST /api/notify, as sent (and kept for a repeated idempotency key):
 * {@code {"status":"queued","messageId":...}} for one recipient, {@code {"status":...,"notifications":[...]}}
 * for several. {@code repeated} when it is the kept answer of an earlier request.
 */
public record Accepted(Map<String, Object> answer, boolean repeated) {
}
