package io.notiflow.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The job envelope that travels on RabbitMQ: everything a channel needs to send one message, so a worker
 * never has to re-read the request. The status row in PostgreSQL stays the source of truth for state.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryJob(
        UUID notificationId,
        Channel channel,
        String receiver,
        String subject,
        String title,
        String message,
        String html,
        Map<String, String> data,
        String correlationId,
        /* When the notification was accepted (its row's created_at), for the end-to-end latency metric. */
        Instant acceptedAt,
        /* In-app only: whom the receiver names (a user, a room, everyone); null on the other channels. */
        TargetKind targetKind) {
}
