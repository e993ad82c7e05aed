package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.TargetKind;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** A row of {@code notifications}: one notification and where it stands. */
@Entity
@Table(name = "notifications")
public class Notification {

    @Id
    public UUID id;

    @Convert(converter = Converters.ChannelColumn.class)
    @Column(nullable = false)
    public Channel type;

    /** Null only on a {@code skipped} row whose user has no address for the channel. */
    public String receiver;

    /** In-app only: whether {@code receiver} is a user id, a room name, or everyone ({@code *}); null otherwise. */
    @Convert(converter = Converters.TargetKindColumn.class)
    @Column(name = "target_kind")
    public TargetKind targetKind;

    public String subject;
    public String title;

    @Column(nullable = false)
    public String message;

    public String html;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> data;

    @Convert(converter = Converters.StatusColumn.class)
    @Column(nullable = false)
    public NotificationStatus status;

    public int retries;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "template_code")
    public String templateCode;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "template_variables")
    public Map<String, Object> templateVariables;

    @Column(name = "template_version")
    public Integer templateVersion;

    /** Why a {@code skipped} row was not sent (opted out, no address for the channel). */
    @Column(name = "skip_reason")
    public String skipReason;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "provider_message_id")
    public String providerMessageId;

    /** The provider's final word from its status callback (delivered, undelivered, failed); null: none yet. */
    @Column(name = "provider_status")
    public String providerStatus;

    @Column(name = "correlation_id", nullable = false)
    public String correlationId;

    /** Which API key accepted it: a fingerprint ({@code sha256:} and 12 hex digits), never the key. */
    @Column(name = "api_key_hint")
    public String apiKeyHint;

    /** The W3C traceparent of the request that accepted it; the outbox relay continues that trace. */
    @Column(name = "trace_parent")
    public String traceParent;

    @Column(name = "published_at")
    public OffsetDateTime publishedAt;

    @Column(name = "sent_at")
    public OffsetDateTime sentAt;

    /** In-app: when a client acknowledged it. */
    @Column(name = "delivered_at")
    public OffsetDateTime deliveredAt;

    /** In-app: when the user read it. */
    @Column(name = "read_at")
    public OffsetDateTime readAt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The job a worker needs to deliver this notification. */
    public DeliveryJob toJob() {
        return new DeliveryJob(id, type, receiver, subject, title, message, html, data, correlationId,
                createdAt == null ? null : createdAt.toInstant(), targetKind);
    }
}
