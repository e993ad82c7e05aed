package io.notiflow.core.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes a worker's verdict on one attempt: the attempt row and the notification's new status, in one
 * transaction, so SQL never shows an attempt without its status or the other way round.
 */
@ApplicationScoped
public class StatusRecorder {

    private static final int MAX_ERROR_LENGTH = 2000;

    private final NotificationRepository notifications;
    private final DeliveryAttemptRepository attempts;

    public StatusRecorder(NotificationRepository notifications, DeliveryAttemptRepository attempts) {
        this.notifications = notifications;
        this.attempts = attempts;
    }

    /** An attempt to be recorded; {@code errorClass}/{@code errorMessage} are null for a success. */
    public record Attempt(UUID notificationId, int number, AttemptOutcome outcome, String errorClass,
                          String errorMessage, long durationMs) {
    }

    @Transactional
    public java.util.Optional<NotificationStatus> currentStatus(UUID notificationId) {
        return notifications.statusOf(notificationId);
    }

    /**
     * Claims an unsettled row for one delivery, so two copies of a job (an outbox republish after a lost
     * stamp, a redelivery) never call the provider at the same time. A claim older than {@code lease} is
     * taken over: its worker died. Every status write below releases the claim.
     *
     * @return false when another delivery of this notification holds the row (or it is settled meanwhile)
     */
    @Transactional
    public boolean claim(UUID notificationId, java.time.Duration lease) {
        int claimed = notifications.getEntityManager().createNativeQuery(
                        "update notifications set claimed_at = now() where id = ?1"
                                + " and status in ('queued', 'retrying', 'failed')"
                                + " and (claimed_at is null or claimed_at < now() - ?2 * interval '1 millisecond')")
                .setParameter(1, notificationId)
                .setParameter(2, lease.toMillis())
                .executeUpdate();
        return claimed == 1;
    }

    @Transactional
    public void sent(Attempt attempt, String providerMessageId) {
        OffsetDateTime now = now();
        log(attempt, now);
        notifications.update("status = ?1, providerMessageId = ?2, sentAt = ?3, updatedAt = ?3, lastError = null,"
                        + " claimedAt = null where id = ?4",
                NotificationStatus.SENT, providerMessageId, now, attempt.notificationId());
    }

    /**
     * The attempt succeeded but only handed the job on to a hop that settles the status itself
     * ({@code ChannelSender#settlesStatusItself}); a row that was retrying is queued again, waiting for that hop.
     */
    @Transactional
    public void handedOn(Attempt attempt) {
        OffsetDateTime now = now();
        log(attempt, now);
        notifications.update("status = ?1, lastError = null, updatedAt = ?2 where id = ?3 and status = ?4",
                NotificationStatus.QUEUED, now, attempt.notificationId(), NotificationStatus.RETRYING);
        notifications.update("claimedAt = null where id = ?1", attempt.notificationId());
    }

    /** Failed transiently and was put on the ladder; {@code retries} is the new retry count. */
    @Transactional
    public void retrying(Attempt attempt, int retries) {
        OffsetDateTime now = now();
        log(attempt, now);
        notifications.update("status = ?1, retries = ?2, lastError = ?3, updatedAt = ?4, claimedAt = null"
                        + " where id = ?5",
                NotificationStatus.RETRYING, retries, describe(attempt), now, attempt.notificationId());
    }

    /** Failed for good (permanent error or retries exhausted); the job is in the dead-letter queue. */
    @Transactional
    public void failed(Attempt attempt) {
        OffsetDateTime now = now();
        log(attempt, now);
        notifications.update("status = ?1, lastError = ?2, updatedAt = ?3, claimedAt = null where id = ?4",
                NotificationStatus.FAILED, describe(attempt), now, attempt.notificationId());
    }

    /** Not attempted because the provider's circuit is open; the job waits on the ladder, no retry used. */
    @Transactional
    public void deferred(Attempt attempt) {
        OffsetDateTime now = now();
        log(attempt, now);
        notifications.update("status = ?1, lastError = ?2, updatedAt = ?3, claimedAt = null where id = ?4",
                NotificationStatus.RETRYING, describe(attempt), now, attempt.notificationId());
    }

    private void log(Attempt attempt, OffsetDateTime at) {
        DeliveryAttempt row = new DeliveryAttempt();
        row.notificationId = attempt.notificationId();
        row.attemptNumber = attempt.number();
        row.outcome = attempt.outcome();
        row.errorClass = attempt.errorClass();
        row.errorMessage = truncate(attempt.errorMessage());
        row.durationMs = attempt.durationMs();
        row.attemptedAt = at;
        attempts.persist(row);
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

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
