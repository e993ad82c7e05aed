package io.notiflow.core.status;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes a worker's verdict on one attempt: the attempt row and the notification's new status, in one
 * statement, so SQL never shows an attempt without its status or the other way round.
 * <p>
 * These are the statements every delivery runs, so each is a single round trip in autocommit (no ORM session, no
 * JTA transaction): a claim, then one verdict.
 */
@ApplicationScoped
public class StatusRecorder {

    private static final Logger LOG = Logger.getLogger(StatusRecorder.class);

    private static final int MAX_ERROR_LENGTH = 2000;
    private static final String SETTLEABLE = "('queued', 'retrying', 'failed')";
    /**
     * A verdict applies only while a delivery holds the row's claim, and every verdict releases it. So writing the
     * same verdict again (its first write committed but the reply was lost in a database cut, and
     * {@code DeliveryProcessor} tried again) changes nothing: no second attempt row, no second status change.
     */
    private static final String HELD = "claimed_at is not null";
    /** The attempt row, inserted by the same statement that moves the notification. */
    private static final String WITH_ATTEMPT = "with attempt as (insert into delivery_attempts (notification_id,"
            + " attempt_number, outcome, error_class, error_message, duration_ms, attempted_at)"
            + " select ?, ?, ?, ?, ?, ?, now() from notifications where id = ? and " + HELD + ") ";

    private final DataSource database;

    public StatusRecorder(DataSource database) {
        this.database = database;
    }

    /** An attempt to be recorded; {@code errorClass}/{@code errorMessage} are null for a success. */
    public record Attempt(UUID notificationId, int number, AttemptOutcome outcome, String errorClass,
                          String errorMessage, long durationMs) {
    }

    /**
     * What {@link #claim} found: the row's status (empty: no such row) and whether this delivery now holds it.
     */
    public record Claim(Optional<NotificationStatus> status, boolean claimed) {
    }

    /**
     * Claims an unsettled row for one delivery, so two copies of a job (an outbox republish after a lost
     * stamp, a redelivery) never call the provider at the same time. A claim older than {@code lease} is
     * taken over: its worker died. Every status write below releases the claim.
     * <p>
     * Not claimed means: no such row, a settled row, or another delivery holds it ({@link Claim#status} tells).
     */
    public Claim claim(UUID notificationId, Duration lease) {
        return run(c -> {
            try (PreparedStatement claim = c.prepareStatement("update notifications set claimed_at = now()"
                    + " where id = ? and status in " + SETTLEABLE
                    + " and (claimed_at is null or claimed_at < now() - ? * interval '1 millisecond')"
                    + " returning status")) {
                claim.setObject(1, notificationId);
                claim.setLong(2, lease.toMillis());
                Optional<NotificationStatus> claimed = status(claim);
                if (claimed.isPresent()) {
                    return new Claim(claimed, true);
                }
            }
            try (PreparedStatement current = c.prepareStatement("select status from notifications where id = ?")) {
                current.setObject(1, notificationId);
                return new Claim(status(current), false);
            }
        });
    }

    /** The message went out. Each verdict below returns false, writing nothing, when it had been written already. */
    public boolean sent(Attempt attempt, String providerMessageId) {
        return write(attempt, "update notifications set status = 'sent', provider_message_id = ?, sent_at = now(),"
                + " updated_at = now(), last_error = null, claimed_at = null where id = ?", providerMessageId);
    }

    /**
     * The attempt succeeded but only handed the job on to a hop that settles the status itself
     * ({@code ChannelSender#settlesStatusItself}); a row that was retrying is queued again, waiting for that hop.
     */
    public boolean handedOn(Attempt attempt) {
        return write(attempt, "update notifications set claimed_at = null,"
                + " status = case when status = 'retrying' then 'queued' else status end,"
                + " last_error = case when status = 'retrying' then null else last_error end,"
                + " updated_at = case when status = 'retrying' then now() else updated_at end where id = ?");
    }

    /** Failed transiently and was put on the ladder; {@code retries} is the new retry count. */
    public boolean retrying(Attempt attempt, int retries) {
        return write(attempt, "update notifications set status = 'retrying', retries = ?, last_error = ?,"
                + " updated_at = now(), claimed_at = null where id = ?", retries, describe(attempt));
    }

    /** Failed for good (permanent error or retries exhausted); the job is in the dead-letter queue. */
    public boolean failed(Attempt attempt) {
        return write(attempt, "update notifications set status = 'failed', last_error = ?, updated_at = now(),"
                + " claimed_at = null where id = ?", describe(attempt));
    }

    /** Not attempted because the provider's circuit is open; the job waits on the ladder, no retry used. */
    public boolean deferred(Attempt attempt) {
        return write(attempt, "update notifications set status = 'retrying', last_error = ?, updated_at = now(),"
                + " claimed_at = null where id = ?", describe(attempt));
    }

    /**
     * The attempt row plus {@code update} (whose parameters are {@code values}, then the notification id), both only
     * while the claim is held. Returns false when the claim was no longer held: this verdict was written already.
     */
    private boolean write(Attempt attempt, String update, Object... values) {
        return run(c -> {
            try (PreparedStatement s = c.prepareStatement(WITH_ATTEMPT + update + " and " + HELD)) {
                s.setObject(1, attempt.notificationId());
                s.setInt(2, attempt.number());
                s.setString(3, attempt.outcome().key());
                s.setString(4, attempt.errorClass());
                s.setString(5, truncate(attempt.errorMessage()));
                s.setLong(6, attempt.durationMs());
                s.setObject(7, attempt.notificationId());
                int i = 8;
                for (Object value : values) {
                    if (value == null) {
                        s.setNull(i++, Types.VARCHAR);
                    } else {
                        s.setObject(i++, value);
                    }
                }
                s.setObject(i, attempt.notificationId());
                if (s.executeUpdate() == 1) {
                    return true;
                }
                LOG.infof("notification %s: %s verdict not written again, its claim is already released (the"
                        + " first write committed)", attempt.notificationId(), attempt.outcome().key());
                return false;
            }
        });
    }

    private static Optional<NotificationStatus> status(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            String key = rows.getString(1);
            return Optional.of(NotificationStatus.fromKey(key).orElseThrow(
                    () -> new IllegalStateException("unknown status '" + key + "' in notifications")));
        }
    }

    private <T> T run(Work<T> work) {
        try (Connection c = database.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StatusWriteException("status database unavailable: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The status could not be read or written (database down, say); the job must be redelivered. */
    public static final class StatusWriteException extends RuntimeException {
        StatusWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(Attempt attempt) {
        return truncate(attempt.errorClass() + ": " + attempt.errorMessage());
    }

    static String truncate(String text) {
        if (text == null || text.length() <= MAX_ERROR_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_ERROR_LENGTH);
    }
}
