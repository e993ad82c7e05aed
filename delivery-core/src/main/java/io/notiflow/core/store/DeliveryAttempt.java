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

    /** What the attempt led to; null on rows from before V12. */
    @Convert(converter = Converters.VerdictColumn.class)
    public AttemptVerdict verdict;

    /** When the delivery that made this attempt took its claim, and which worker it was (V12). */
    @Column(name = "claimed_at")
    public OffsetDateTime claimedAt;

    /** The claim was taken over after the lease: the worker before may have sent it already (V12). */
    @Column(name = "took_over_claim")
    public Boolean tookOverClaim;

    public String worker;

    /** For a retry or a deferral: when the job is due again; for a retry, of how many the ladder allows. */
    @Column(name = "retry_at")
    public OffsetDateTime retryAt;

    @Column(name = "max_retries")
    public Integer maxRetries;
}
