package io.notiflow.push.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code dead_device_tokens}: a device token FCM said is no longer registered. */
@Entity
@Table(name = "dead_device_tokens")
public class DeadDeviceToken {

    @Id
    public String token;

    @Column(nullable = false)
    public String reason;

    /** The notification whose send revealed it. */
    @Column(name = "notification_id")
    public UUID notificationId;

    @Column(name = "marked_at", nullable = false)
    public OffsetDateTime markedAt;
}
