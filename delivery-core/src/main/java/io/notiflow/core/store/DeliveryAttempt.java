package io.notiflow.core.store;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code delivery_attempts}: one try to deliver a notification. */
@Entity
@Table(name = "delivery_attempts")
public class DeliveryAttempt {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "notification_id", nullable = false)
    public UUID notificationId;

    @Column(name = "attempt_number", nullable = false)
    public int attemptNumber;

    @Convert(converter = Converters.OutcomeColumn.class)
    @Column(nullable = false)
    public AttemptOutcome outcome;

    @Column(name = "error_class")
    public String errorClass;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "duration_ms", nullable = false)
    public long durationMs;

    @Column(name = "attempted_at", nullable = false)
    public OffsetDateTime attemptedAt;
}
