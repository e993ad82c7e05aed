package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A row of {@code suppressions} (V13): an address of one channel that is never sent to again, with why, who said
 * so ({@link Source}) and since when. A notification to it is skipped when a worker claims it ({@link DeliveryStore}).
 */
@Entity
@Table(name = "suppressions")
@IdClass(Suppression.Key.class)
public class Suppression {

    /** Who suppressed the address: the {@code source} column's values. */
    public enum Source {
        BOUNCE("bounce"), COMPLAINT("complaint"), DEAD_TOKEN("dead-token"), OPERATOR("operator");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** The channels with addresses to suppress (an in-app user is no address). */
    public static boolean suppressible(Channel channel) {
        return channel != Channel.INAPP;
    }

    /** How {@code address} is kept and compared: e-mail addresses in lower case, others as they are. */
    public static String normalised(Channel channel, String address) {
        return channel == Channel.EMAIL ? address.toLowerCase(Locale.ROOT) : address;
    }

    /** A {@link Channel} key: email, sms or push. */
    @Id
    public String channel;

    @Id
    public String address;

    @Column(nullable = false)
    public String reason;

    @Column(nullable = false)
    public String source;

    /** The notification whose delivery revealed it; null for an operator's entry. */
    @Column(name = "notification_id")
    public UUID notificationId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The primary key: channel and address. */
    public static class Key implements Serializable {
        public String channel;
        public String address;

        public Key() {
        }

        public Key(String channel, String address) {
            this.channel = channel;
            this.address = address;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.channel, channel) && Objects.equals(k.address, address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, address);
        }
    }
}
