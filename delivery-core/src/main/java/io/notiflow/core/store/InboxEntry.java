package io.notiflow.core.store;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One in-app notification as its recipient sees it; {@code status} as SQL has it (queued, sent, read...). */
public record InboxEntry(UUID id, String title, String message, Map<String, String> data, String status,
                         Instant createdAt, Instant deliveredAt, Instant readAt) {
}
