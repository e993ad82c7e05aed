package io.notiflow.core.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * A row of {@code notification_events} (V12): an event of a notification's timeline that no other row records
 * (a replay from the dead-letter queue, a provider's report that it could not deliver the message, a skip at
 * the claim because the address is suppressed). Rows are only ever added.
 */
@Entity
@Table(name = "notification_events")
public class NotificationEvent {

    /** The {@code kind} column's values. */
    public static final String REPLAYED = "replayed";
    public static final String UNDELIVERED = "undelivered";
    /** Skipped at its claim: its address is suppressed; details name the suppression. */
    public static final String SUPPRESSED = "suppressed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "notification_id", nullable = false)
    public UUID notificationId;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public OffsetDateTime at;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> details;
}
