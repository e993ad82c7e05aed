package io.notiflow.core.store;

import io.notiflow.core.job.Channel;

import java.time.OffsetDateTime;

/** What GET /api/notifications narrows the list to; a null field does not filter. */
public record NotificationFilter(NotificationStatus status, Channel type, String receiver, String userId,
                                 OffsetDateTime since, OffsetDateTime until) {
}
