package io.notiflow.api.service;

import java.util.UUID;

/** The answer to an accepted notification; a repeated idempotency key gets the first one back. */
public record Accepted(UUID messageId, String status, boolean repeated) {
}
