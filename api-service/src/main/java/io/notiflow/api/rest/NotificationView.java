package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.Timeline;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** JSON view of a notification row (attempts, events and reason only in the single-notification view). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationView(UUID id, String type, String receiver, String subject, String title, String message,
                               Map<String, String> data, String status, int retries, String lastError,
                               String providerMessageId, String userId, String requestId, String correlationId,
                               OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime publishedAt,
                               OffsetDateTime sentAt, OffsetDateTime deliveredAt,
                               OffsetDateTime readAt, String skipReason, String templateCode,
                               Integer templateVersion, String apiKey, List<AttemptView> attempts,
                               List<Timeline.Event> events, String reason) {

    public record AttemptView(int attempt, String outcome, String errorClass, String error, long durationMs,
                              OffsetDateTime attemptedAt) {
        static AttemptView of(DeliveryAttempt a) {
            return new AttemptView(a.attemptNumber, a.outcome.key(), a.errorClass, a.errorMessage, a.durationMs,
                    a.attemptedAt);
        }
    }

    public static NotificationView of(Notification n, List<DeliveryAttempt> attempts, Timeline timeline) {
        return new NotificationView(n.id, n.type.key(), n.receiver, n.subject, n.title, n.message, n.data,
                n.status.key(), n.retries, n.lastError, n.providerMessageId, n.userId, n.requestId, n.correlationId,
                n.createdAt, n.updatedAt, n.publishedAt, n.sentAt, n.deliveredAt, n.readAt, n.skipReason,
                n.templateCode, n.templateVersion, n.apiKeyHint,
                attempts == null ? null : attempts.stream().map(AttemptView::of).toList(),
                timeline == null ? null : timeline.events(), timeline == null ? null : timeline.reason());
    }
}
