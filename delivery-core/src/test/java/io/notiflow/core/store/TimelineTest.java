package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.TargetKind;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The timeline's order and its reasons, from rows made here (no database). */
class TimelineTest {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2030, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void aRetriedEmailShowsEachClaimAttemptAndVerdictInOrder() {
        Notification n = notification(Channel.EMAIL, NotificationStatus.SENT);
        n.publishedAt = at(900); // stamped after the worker had claimed the job: still the second event
        n.sentAt = at(4_000);
        n.providerMessageId = "<m-1@notiflow>";
        DeliveryAttempt failed = attempt(1, AttemptOutcome.TRANSIENT, AttemptVerdict.RETRY, 500, 1_000);
        failed.errorClass = "smtp-421";
        failed.errorMessage = "try later";
        failed.retryAt = at(6_000);
        failed.maxRetries = 3;
        DeliveryAttempt sent = attempt(2, AttemptOutcome.SENT, AttemptVerdict.SENT, 3_900, 4_000);

        Timeline timeline = Timeline.of(n, List.of(failed, sent), List.of());

        assertThat(timeline.events()).extracting(Timeline.Event::type).containsExactly("accepted", "published",
                "claimed", "attempt", "retry-scheduled", "claimed", "attempt", "sent");
        Timeline.Event retry = timeline.events().get(4);
        assertThat(retry.retry()).isEqualTo(1);
        assertThat(retry.maxRetries()).isEqualTo(3);
        assertThat(retry.retryAt()).isEqualTo(at(6_000));
        assertThat(timeline.events().get(0).apiKey()).isEqualTo("sha256:0123456789ab");
        assertThat(timeline.events().get(2).worker()).isEqualTo("email-worker@h/1");
        assertThat(timeline.events().get(7).providerMessageId()).isEqualTo("<m-1@notiflow>");

        sent.tookOverClaim = true; // its worker died holding the claim; this delivery took it over after the lease
        assertThat(Timeline.of(n, List.of(failed, sent), List.of()).events()).extracting(Timeline.Event::type)
                .containsSubsequence("retry-scheduled", "claimed", "possible-duplicate", "attempt", "sent");
        assertThat(timeline.reason())
                .isEqualTo("sent: the SMTP relay accepted it at 2030-01-01T12:00:04Z (provider id <m-1@notiflow>)");
    }

    @Test
    void aRetryingNotificationSaysWhichRetryItWaitsForAndWhy() {
        Notification n = notification(Channel.EMAIL, NotificationStatus.RETRYING);
        n.retries = 2;
        DeliveryAttempt first = attempt(1, AttemptOutcome.TRANSIENT, AttemptVerdict.RETRY, 100, 200);
        DeliveryAttempt second = attempt(2, AttemptOutcome.TRANSIENT, AttemptVerdict.RETRY, 5_100, 5_200);
        second.errorClass = "smtp-421";
        second.errorMessage = "421 4.7.0 try again later";
        second.retryAt = at(15_200);
        second.maxRetries = 3;

        assertThat(Timeline.of(n, List.of(first, second), List.of()).reason()).isEqualTo(
                "waiting for retry 2 of 3 at 2030-01-01T12:00:15Z after smtp-421 (421 4.7.0 try again later)");

        DeliveryAttempt deferred = attempt(2, AttemptOutcome.DEFERRED, AttemptVerdict.DEFERRED, 16_000, 16_000);
        deferred.retryAt = at(21_000);
        Timeline open = Timeline.of(n, List.of(first, second, deferred), List.of());
        assertThat(open.reason()).isEqualTo("deferred: the SMTP relay is failing (its circuit breaker is open);"
                + " next try at 2030-01-01T12:00:21Z");
        assertThat(open.events()).extracting(Timeline.Event::type).endsWith("claimed", "deferred");
    }

    @Test
    void aParkedAndReplayedNotificationShowsTheReplayBetweenItsAttempts() {
        Notification n = notification(Channel.SMS, NotificationStatus.FAILED);
        DeliveryAttempt parked = attempt(1, AttemptOutcome.PERMANENT, AttemptVerdict.DEAD_LETTER, 100, 300);
        parked.errorClass = "twilio-21211";
        parked.errorMessage = "invalid 'To' number";
        assertThat(Timeline.of(n, List.of(parked), List.of()).reason()).isEqualTo("failed after 1 attempt:"
                + " twilio-21211 (invalid 'To' number); parked in notifications.sms.dlq, where an operator can replay it");

        n.status = NotificationStatus.QUEUED;
        NotificationEvent replay = new NotificationEvent();
        replay.kind = NotificationEvent.REPLAYED;
        replay.at = at(10_000);
        replay.details = Map.of("replay_id", 7);
        Timeline replayed = Timeline.of(n, List.of(parked), List.of(replay));

        assertThat(replayed.events()).extracting(Timeline.Event::type)
                .containsExactly("accepted", "published", "claimed", "attempt", "dead-lettered", "replayed");
        assertThat(replayed.events().get(4).queue()).isEqualTo("notifications.sms.dlq");
        assertThat(replayed.events().get(4).failureKind()).isEqualTo("permanent");
        assertThat(replayed.events().get(5).replayId()).isEqualTo(7L);
        assertThat(replayed.reason()).isEqualTo("replayed from the dead-letter queue at 2030-01-01T12:00:10Z;"
                + " waiting for the sms worker");
    }

    @Test
    void anInAppAckThatBeatItsHandOnStillComesAfterSent() {
        Notification n = notification(Channel.INAPP, NotificationStatus.READ);
        n.targetKind = TargetKind.USER;
        n.deliveredAt = at(250); // the client acked before the worker wrote its hand-on verdict at 300
        n.readAt = at(2_000);
        n.sentAt = at(300);
        DeliveryAttempt handedOn = attempt(1, AttemptOutcome.SENT, AttemptVerdict.HANDED_ON, 200, 300);

        Timeline timeline = Timeline.of(n, List.of(handedOn), List.of());

        assertThat(timeline.events()).extracting(Timeline.Event::type)
                .containsExactly("accepted", "published", "claimed", "attempt", "sent", "delivered", "read");
        assertThat(timeline.events().get(4).reason()).isEqualTo("handed to the in-app gateways");
        assertThat(timeline.events().get(5).at()).isEqualTo(at(250));
        assertThat(timeline.reason()).isEqualTo("read at 2030-01-01T12:00:02Z");
    }

    @Test
    void aProvidersReportComesAfterSentEvenWhenItBeatTheVerdict() {
        Notification n = notification(Channel.SMS, NotificationStatus.FAILED);
        n.providerStatus = "undelivered";
        n.lastError = "twilio-30003: Twilio reported the message undelivered";
        DeliveryAttempt sent = attempt(1, AttemptOutcome.SENT, AttemptVerdict.SENT, 100, 400);
        NotificationEvent report = new NotificationEvent();
        report.kind = NotificationEvent.UNDELIVERED;
        report.at = at(300); // the callback came in before the worker wrote its verdict at 400
        report.details = Map.of("provider", "twilio", "status", "undelivered", "error_class", "twilio-30003");

        Timeline timeline = Timeline.of(n, List.of(sent), List.of(report));

        assertThat(timeline.events()).extracting(Timeline.Event::type)
                .containsExactly("accepted", "published", "claimed", "attempt", "sent", "undelivered");
        Timeline.Event last = timeline.events().get(5);
        assertThat(last.errorClass()).isEqualTo("twilio-30003");
        assertThat(last.outcome()).isEqualTo("undelivered");
        assertThat(last.reason()).isEqualTo("reported by twilio");
        assertThat(timeline.reason()).isEqualTo("failed: Twilio reported it undelivered (twilio-30003)");

        Notification delivered = notification(Channel.SMS, NotificationStatus.DELIVERED);
        delivered.providerStatus = "delivered";
        delivered.deliveredAt = at(3_000);
        assertThat(Timeline.of(delivered, List.of(sent), List.of()).reason())
                .isEqualTo("delivered: Twilio reported it delivered at 2030-01-01T12:00:03Z");
    }

    @Test
    void queuedSkippedAndOldRowsSayWhatTheyCan() {
        Notification waiting = notification(Channel.PUSH, NotificationStatus.QUEUED);
        waiting.publishedAt = null;
        assertThat(Timeline.of(waiting, List.of(), List.of()).reason()).startsWith("accepted at 2030-01-01T12:00:00Z;"
                + " waiting to be published to the broker");
        waiting.publishedAt = at(10);
        assertThat(Timeline.of(waiting, List.of(), List.of()).reason())
                .isEqualTo("queued since 2030-01-01T12:00:00Z; waiting for the push worker");

        Notification skipped = notification(Channel.SMS, NotificationStatus.SKIPPED);
        skipped.skipReason = "user u-42 opted out of sms";
        Timeline notSent = Timeline.of(skipped, List.of(), List.of());
        assertThat(notSent.events()).extracting(Timeline.Event::type).containsExactly("accepted", "skipped");
        assertThat(notSent.reason()).isEqualTo("not sent: user u-42 opted out of sms");

        // Skipped when a worker claimed it (its address suppressed): published first, then the suppression.
        Notification suppressed = notification(Channel.EMAIL, NotificationStatus.SKIPPED);
        suppressed.skipReason = "ada@example.com is suppressed since 2029-12-31 (bounce: 550 5.1.1 user unknown)";
        NotificationEvent suppression = new NotificationEvent();
        suppression.kind = NotificationEvent.SUPPRESSED;
        suppression.at = at(50);
        suppression.details = Map.of("address", "ada@example.com", "reason", "550 5.1.1 user unknown",
                "source", "bounce");
        Timeline atClaim = Timeline.of(suppressed, List.of(), List.of(suppression));
        assertThat(atClaim.events()).extracting(Timeline.Event::type)
                .containsExactly("accepted", "published", "suppressed");
        assertThat(atClaim.events().get(2).reason())
                .isEqualTo("ada@example.com is suppressed (bounce: 550 5.1.1 user unknown)");
        assertThat(atClaim.reason()).isEqualTo("not sent: ada@example.com is suppressed since 2029-12-31"
                + " (bounce: 550 5.1.1 user unknown)");

        // Written before the timeline's columns: no claim, no verdict; a sent outcome still reads as sent.
        Notification old = notification(Channel.EMAIL, NotificationStatus.SENT);
        DeliveryAttempt before = attempt(1, AttemptOutcome.SENT, null, 0, 100);
        before.claimedAt = null;
        before.worker = null;
        assertThat(Timeline.of(old, List.of(before), List.of()).events()).extracting(Timeline.Event::type)
                .containsExactly("accepted", "published", "attempt", "sent");
    }

    private static OffsetDateTime at(long millis) {
        return T0.plusNanos(millis * 1_000_000);
    }

    private static Notification notification(Channel type, NotificationStatus status) {
        Notification n = new Notification();
        n.id = UUID.randomUUID();
        n.type = type;
        n.receiver = "r";
        n.message = "m";
        n.status = status;
        n.correlationId = "c-1";
        n.apiKeyHint = "sha256:0123456789ab";
        n.createdAt = T0;
        n.updatedAt = T0;
        n.publishedAt = at(5);
        return n;
    }

    private static DeliveryAttempt attempt(int number, AttemptOutcome outcome, AttemptVerdict verdict, long claimed,
                                           long attempted) {
        DeliveryAttempt a = new DeliveryAttempt();
        a.attemptNumber = number;
        a.outcome = outcome;
        a.verdict = verdict;
        a.claimedAt = at(claimed);
        a.attemptedAt = at(attempted);
        a.worker = "email-worker@h/1";
        a.durationMs = attempted - claimed;
        return a;
    }
}
