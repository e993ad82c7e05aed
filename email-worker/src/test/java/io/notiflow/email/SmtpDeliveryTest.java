package io.notiflow.email;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.AttemptOutcome;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.DeliveryStore;
import io.notiflow.core.store.DeliveryStore.Attempt;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The email worker end to end: a queued job, the real broker and database, and an SMTP server in-process. */
@QuarkusTest
class SmtpDeliveryTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);
    private static final String DLQ = Topology.deadLetterQueue(Channel.EMAIL);

    @InjectSmtpServer
    TestSmtpServer smtp;

    private final TestNotifications notifications = new TestNotifications();

    @Inject
    MeterRegistry metrics;

    @Inject
    DeliveryStore store;

    private BrokerProbe broker;

    @BeforeEach
    void startFromAHealthyProvider() {
        smtp.up();
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);
        broker = new BrokerProbe(EmailWorkerTestResources.VHOST);
    }

    @AfterEach
    void closeProbe() {
        smtp.up();
        broker.close();
    }

    @Test
    void deliversPlainTextAndHtmlEmailThroughSmtp() throws Exception {
        String to = TestNotifications.uniqueAddress();
        Notification queued = notifications.queue(to, "Welcome!", "Hello Ada", "<p>Hello <b>Ada</b></p>");

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        List<MimeMessage> received = smtp.receivedFor(to);
        assertThat(received).hasSize(1);
        MimeMessage mail = received.get(0);
        assertThat(mail.getSubject()).isEqualTo("Welcome!");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("notifications@localhost");
        assertThat(mail.getMessageID()).isEqualTo("<" + queued.id + "@notiflow>");
        // The envelope sender (Return-Path, from MAIL FROM) names the notification: VERP for bounces.
        assertThat(mail.getHeader("Return-Path")).containsExactly("<bounces+" + queued.id + "@bounces.notiflow.test>");
        assertThat(mail.getContent()).isInstanceOf(MimeMultipart.class);
        String parts = partsOf((MimeMultipart) mail.getContent());
        assertThat(parts).contains("Hello Ada").contains("<p>Hello <b>Ada</b></p>");

        assertThat(sent.sentAt).isNotNull();
        assertThat(sent.providerMessageId).isEqualTo("<" + queued.id + "@notiflow>");
        assertThat(sent.retries).isZero();
        assertThat(sent.lastError).isNull();
        List<DeliveryAttempt> attempts = notifications.attempts(queued.id);
        assertThat(attempts).singleElement().satisfies(a -> {
            assertThat(a.attemptNumber).isEqualTo(1);
            assertThat(a.outcome).isEqualTo(AttemptOutcome.SENT);
            assertThat(a.errorClass).isNull();
        });
    }

    @Test
    void retriesThenDeadLettersWhenSmtpIsDown() throws Exception {
        smtp.down();
        Instant before = Instant.now();
        Notification queued = notifications.queue(TestNotifications.uniqueAddress());

        Notification failed = awaitStatus(queued.id, NotificationStatus.FAILED);

        assertThat(failed.retries).isEqualTo(3);
        assertThat(failed.sentAt).isNull();
        assertThat(failed.lastError).startsWith("smtp-connect");
        List<DeliveryAttempt> attempts = notifications.attempts(queued.id);
        assertThat(attempts).extracting(a -> a.attemptNumber).containsExactly(1, 2, 3, 4);
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.outcome).isEqualTo(AttemptOutcome.TRANSIENT);
            assertThat(a.errorClass).isEqualTo("smtp-connect");
        });

        BrokerProbe.Taken parked = awaitDeadLetter(queued.id);
        assertThat(parked.headers())
                .containsEntry(JobHeaders.ERROR_CLASS, "smtp-connect")
                .containsEntry(JobHeaders.FAILURE_KIND, "retries-exhausted")
                .containsEntry(JobHeaders.ATTEMPTS, "4")
                .containsEntry(JobHeaders.CORRELATION_ID, queued.correlationId)
                .containsKey(JobHeaders.ERROR_MESSAGE);
        assertThat(parked.headers().get(JobHeaders.ERROR_MESSAGE)).containsIgnoringCase("refused");
        assertThat(Instant.parse(parked.headers().get(JobHeaders.LAST_ATTEMPT_AT))).isAfter(before);
        assertThat(parked.body()).contains(queued.id.toString());
    }

    @Test
    void permanentSmtpRejectionGoesStraightToDeadLetterQueue() throws Exception {
        smtp.rejectingRecipients();
        Notification queued = notifications.queue(TestNotifications.uniqueAddress());

        Notification failed = awaitStatus(queued.id, NotificationStatus.FAILED);

        // The 550 ends the job at once: it is the last attempt and no retry follows it. On a loaded machine the
        // first try can fail transiently before it reaches the server (CI saw one such run); that try is retried
        // as it should be, and the failure message names it.
        List<DeliveryAttempt> attempts = notifications.attempts(queued.id);
        List<String> described = describe(attempts);
        assertThat(attempts).as("attempts: %s", described).last().satisfies(a -> {
            assertThat(a.outcome).isEqualTo(AttemptOutcome.PERMANENT);
            assertThat(a.errorClass).isEqualTo("smtp-550");
            assertThat(a.errorMessage).contains("mailbox unavailable");
        });
        assertThat(attempts.subList(0, attempts.size() - 1)).as("attempts: %s", described)
                .allSatisfy(a -> assertThat(a.outcome).isEqualTo(AttemptOutcome.TRANSIENT))
                .hasSizeLessThanOrEqualTo(1);
        assertThat(attempts).extracting(a -> a.attemptNumber).as("attempts: %s", described)
                .isEqualTo(IntStream.rangeClosed(1, attempts.size()).boxed().toList());
        assertThat(failed.retries).as("attempts: %s", described).isEqualTo(attempts.size() - 1);
        assertThat(failed.lastError).startsWith("smtp-550");

        BrokerProbe.Taken parked = awaitDeadLetter(queued.id);
        assertThat(parked.headers())
                .containsEntry(JobHeaders.ERROR_CLASS, "smtp-550")
                .containsEntry(JobHeaders.FAILURE_KIND, "permanent")
                .containsEntry(JobHeaders.ATTEMPTS, String.valueOf(attempts.size()))
                .containsKey(JobHeaders.LAST_ATTEMPT_AT);
    }

    @Test
    void transientFailureThenSuccessOnALaterAttempt() {
        smtp.down();
        String to = TestNotifications.uniqueAddress();
        Notification queued = notifications.queue(to);

        await().atMost(PROCESSING).until(() -> !notifications.attempts(queued.id).isEmpty());
        smtp.up(); // back before the first ladder step (2 s in tests) returns the job

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        assertThat(sent.retries).isEqualTo(1);
        assertThat(sent.lastError).isNull();
        assertThat(notifications.attempts(queued.id)).extracting(a -> a.outcome)
                .containsExactly(AttemptOutcome.TRANSIENT, AttemptOutcome.SENT);
        assertThat(smtp.receivedFor(to)).hasSize(1);
    }

    @Test
    void redeliveredJobForSentRowSendsNothing() throws IOException {
        String to = TestNotifications.uniqueAddress();
        Notification queued = notifications.queue(to);
        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);
        await().atMost(PROCESSING).until(() -> smtp.receivedFor(to).size() == 1);
        // What the first delivery recorded (on a slow machine its first try can fail transiently and be retried);
        // the redelivery below must add nothing to it.
        List<String> attemptsBefore = describe(notifications.attempts(queued.id));
        double skippedBefore = duplicatesSkipped();

        notifications.publish(queued);

        await().atMost(PROCESSING).until(() -> duplicatesSkipped() > skippedBefore);
        await().atMost(PROCESSING).until(() -> broker.messageCount(Topology.workQueue(Channel.EMAIL)) == 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.receivedFor(to).size() == 1);
        Notification after = notifications.row(queued.id);
        assertThat(after.status).isEqualTo(NotificationStatus.SENT);
        assertThat(after.updatedAt).isEqualTo(sent.updatedAt);
        assertThat(after.sentAt).isEqualTo(sent.sentAt);
        assertThat(describe(notifications.attempts(queued.id))).last().asString().startsWith("SENT");
        assertThat(describe(notifications.attempts(queued.id))).isEqualTo(attemptsBefore);
    }

    private static List<String> describe(List<DeliveryAttempt> attempts) {
        return attempts.stream().map(a -> a.outcome + " #" + a.attemptNumber + " " + a.errorClass + ": "
                + a.errorMessage).toList();
    }

    @Test
    void aVerdictWrittenAgainAfterALostReplyIsRecordedOnce() {
        Notification row = notifications.storedOnly(TestNotifications.uniqueAddress());
        assertThat(store.claim(row.id, Duration.ofSeconds(45)).claimed()).isTrue();
        Attempt attempt = new Attempt(row.id, 1, AttemptOutcome.SENT, null, null, 12);

        assertThat(store.markSent(attempt, "<first@notiflow>")).isTrue();
        // What DeliveryProcessor does when the first write committed but its reply was lost in a database cut.
        assertThat(store.markSent(attempt, "<first@notiflow>")).isFalse();

        assertThat(describe(notifications.attempts(row.id))).containsExactly("SENT #1 null: null");
        Notification after = notifications.row(row.id);
        assertThat(after.status).isEqualTo(NotificationStatus.SENT);
        assertThat(after.providerMessageId).isEqualTo("<first@notiflow>");
        assertThat(notifications.claimed(row.id)).isFalse();
    }

    @Test
    void aClaimKeepsOtherCopiesOutUntilItsLeaseEndsAndASettledRowCannotBeClaimed() throws InterruptedException {
        Notification row = notifications.storedOnly(TestNotifications.uniqueAddress());

        assertThat(store.claim(row.id, Duration.ofSeconds(45)))
                .isEqualTo(new DeliveryStore.Claim(Optional.of(NotificationStatus.QUEUED), true));
        assertThat(notifications.claimed(row.id)).isTrue();
        // Another copy of the job, within the lease: told the row is queued but taken.
        assertThat(store.claim(row.id, Duration.ofSeconds(45)))
                .isEqualTo(new DeliveryStore.Claim(Optional.of(NotificationStatus.QUEUED), false));
        // Once the lease is over (its worker died), the next copy takes the claim over.
        Thread.sleep(20);
        assertThat(store.claim(row.id, Duration.ofMillis(10)).claimed()).isTrue();

        assertThat(store.markSent(new Attempt(row.id, 1, AttemptOutcome.SENT, null, null, 5), "<id@notiflow>")).isTrue();
        assertThat(notifications.claimed(row.id)).isFalse();
        assertThat(store.claim(row.id, Duration.ofSeconds(45)))
                .isEqualTo(new DeliveryStore.Claim(Optional.of(NotificationStatus.SENT), false));
        assertThat(notifications.claimed(row.id)).isFalse();
        assertThat(store.claim(UUID.randomUUID(), Duration.ofSeconds(45)))
                .isEqualTo(new DeliveryStore.Claim(Optional.empty(), false));
    }

    private Notification awaitStatus(UUID id, NotificationStatus status) {
        return notifications.awaitStatus(id, status, PROCESSING);
    }

    /** Drains the DLQ until the job of {@code id} shows up; other tests' leftovers are dropped on the way. */
    private BrokerProbe.Taken awaitDeadLetter(UUID id) {
        return broker.awaitMessage(DLQ, JobHeaders.NOTIFICATION_ID, id.toString(), PROCESSING);
    }

    private double duplicatesSkipped() {
        Counter counter = metrics.find("notiflow.deliveries")
                .tags("channel", "email", "outcome", "duplicate-skipped").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String partsOf(MimeMultipart multipart) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < multipart.getCount(); i++) {
            Object content = multipart.getBodyPart(i).getContent();
            text.append(content instanceof MimeMultipart nested ? partsOf(nested) : String.valueOf(content));
        }
        return text.toString();
    }
}
