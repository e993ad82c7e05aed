package io.notiflow.api.service;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.NotificationStatus;

import java.time.OffsetDateTime;

/** What GET /api/notifications narrows the list to; a null field does not filter. */
public record NotificationFilter(NotificationStatus status, Channel type, String receiver, String userId,
                                 OffsetDateTime since, OffsetDateTime until) {
}
