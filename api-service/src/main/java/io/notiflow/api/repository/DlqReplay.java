package io.notiflow.api.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.List;

/** A row of {@code dlq_replays}: one replay of a channel's dead-letter queue, as asked and as done. */
@Entity
@Table(name = "dlq_replays")
public class DlqReplay {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String channel;

    /** {@code all}, {@code ids} or {@code error_class}. */
    @Column(nullable = false)
    public String selector;

    @Column(name = "selector_value")
    public String selectorValue;

    @Column(name = "requested_at", nullable = false)
    public OffsetDateTime requestedAt;

    @Column(name = "replayed_count", nullable = false)
    public int replayedCount;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "notification_ids", nullable = false)
    public List<String> notificationIds;

    @Column(name = "api_key_hint")
    public String apiKeyHint;

    @Column(name = "correlation_id")
    public String correlationId;
}
