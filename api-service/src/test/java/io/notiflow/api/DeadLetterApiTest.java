package io.notiflow.api;

import io.notiflow.api.repository.DlqReplay;
import io.notiflow.api.repository.DlqReplayRepository;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.BrokerProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The DLQ endpoints against the real broker: api-service has no worker, so the tests park jobs themselves. */
@QuarkusTest
class DeadLetterApiTest {

    @Inject
    NotificationRepository notifications;
    @Inject
    DlqReplayRepository replays;
    @Inject
    JobCodec codec;

    private BrokerProbe broker;

    @BeforeEach
    void openProbe() throws IOException {
        broker = new BrokerProbe(ApiTestSupport.VHOST);
        // Make sure the exchange and work queues exist before anything is replayed into them.
        api().body("""
                {"type":"inapp","to":"u-dlq-setup","message":"topology"}""").post("/api/notify").then().statusCode(202);
    }

    @AfterEach
    void closeProbe() {
        broker.close();
    }

    @Test
    void listsParkedJobsWithTheirReasonsWithoutConsumingThem() throws IOException {
        Channel channel = Channel.EMAIL;
        String dlq = Topology.deadLetterQueue(channel);
        emptyDlq(channel);
        Notification first = park(channel, "smtp-550", NotificationStatus.FAILED);
        Notification second = park(channel, "timeout", NotificationStatus.FAILED);

        api().get("/api/dlq/email").then().statusCode(200)
                .body("channel", equalTo("email"))
                .body("queue", equalTo(dlq))
                .body("depth", equalTo(2))
                .body("shown", equalTo(2))
                .body("messages.notificationId", contains(first.id.toString(), second.id.toString()))
                .body("messages[0].correlationId", equalTo(first.correlationId))
                .body("messages[0].errorClass", equalTo("smtp-550"))
                .body("messages[0].errorMessage", equalTo("550 mailbox unavailable"))
                .body("messages[0].failureKind", equalTo("permanent"))
                .body("messages[0].attempts", equalTo(4))
                .body("messages[0].lastAttemptAt", equalTo("2030-01-01T00:00:00Z"))
                .body("messages[0].job.receiver", equalTo(first.receiver))
                .body("messages[0].job.message", equalTo(first.message))
                .body("messages[0].headers", hasKey(JobHeaders.ERROR_CLASS));

        // Listing the whole queue handed everything back in order; looking again sees the same jobs.
        api().queryParam("limit", 1).get("/api/dlq/email").then().statusCode(200)
                .body("depth", equalTo(2))
                .body("shown", equalTo(1))
                .body("messages.notificationId", contains(first.id.toString()));
        assertThat(broker.messageCount(dlq)).isEqualTo(2);
        // A partial listing may move the listed jobs behind the rest (RabbitMQ 3.10 quorum queues requeue at the
        // back); nothing is lost either way.
        api().get("/api/dlq/email").then().statusCode(200)
                .body("depth", equalTo(2))
                .body("messages.notificationId", containsInAnyOrder(first.id.toString(), second.id.toString()));
    }

    @Test
    void replayByIdMovesOnlyThatJobWithAFreshAttemptBudget() throws IOException {
        Channel channel = Channel.SMS;
        emptyDlq(channel);
        Notification chosen = park(channel, "twilio-21211", NotificationStatus.FAILED);
        Notification other = park(channel, "twilio-21211", NotificationStatus.FAILED);

        api().body("{\"ids\":[\"" + chosen.id + "\"]}").post("/api/dlq/sms/replay").then().statusCode(200)
                .body("channel", equalTo("sms"))
                .body("selector", equalTo("ids"))
                .body("replayed", equalTo(1))
                .body("ids", contains(chosen.id.toString()));

        Notification requeued = row(chosen.id.toString()).orElseThrow();
        assertThat(requeued.status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(requeued.retries).isZero();
        assertThat(requeued.lastError).isNull();
        assertThat(row(other.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.FAILED);

        BrokerProbe.Taken job = broker.awaitMessage(Topology.workQueue(channel), JobHeaders.NOTIFICATION_ID,
                chosen.id.toString(), Duration.ofSeconds(5));
        assertThat(job.headers()).containsEntry(JobHeaders.ATTEMPTS, "0")
                .containsEntry(JobHeaders.CORRELATION_ID, chosen.correlationId)
                .doesNotContainKeys(JobHeaders.ERROR_CLASS, JobHeaders.ERROR_MESSAGE, JobHeaders.FAILURE_KIND,
                        JobHeaders.LAST_ATTEMPT_AT);
        assertThat(codec.decode(job.body().getBytes(StandardCharsets.UTF_8)).notificationId()).isEqualTo(chosen.id);

        assertThat(broker.messageCount(Topology.deadLetterQueue(channel))).isEqualTo(1);
        api().get("/api/dlq/sms").then().statusCode(200)
                .body("messages.notificationId", contains(other.id.toString()));

        DlqReplay recorded = lastReplay();
        assertThat(recorded.channel).isEqualTo("sms");
        assertThat(recorded.selector).isEqualTo("ids");
        assertThat(recorded.selectorValue).isEqualTo(chosen.id.toString());
        assertThat(recorded.replayedCount).isEqualTo(1);
        assertThat(recorded.notificationIds).containsExactly(chosen.id.toString());
        assertThat(recorded.requestedAt).isNotNull();
        assertThat(recorded.apiKeyHint).startsWith("sha256:").doesNotContain(ApiTestSupport.API_KEY);

        // The timeline shows the replay as a replay, and says the row waits for a worker because of it.
        api().get("/api/notifications/" + chosen.id).then().statusCode(200)
                .body("events.type", hasItem("replayed"))
                .body("events.find { it.type == 'replayed' }.replayId", equalTo(recorded.id.intValue()))
                .body("reason", startsWith("replayed from the dead-letter queue at "))
                .body("reason", endsWith("; waiting for the sms worker"));
        api().get("/api/notifications/" + other.id).then().statusCode(200)
                .body("events.type", not(hasItem("replayed")))
                .body("reason", startsWith("failed after "));
    }

    @Test
    void replayByErrorClassLeavesOtherFailuresParked() throws IOException {
        Channel channel = Channel.PUSH;
        String dlq = Topology.deadLetterQueue(channel);
        emptyDlq(channel);
        Notification a = park(channel, "fcm-unavailable", NotificationStatus.FAILED);
        Notification kept = park(channel, "fcm-unregistered", NotificationStatus.FAILED);
        Notification c = park(channel, "fcm-unavailable", NotificationStatus.FAILED);

        api().body("""
                {"error_class":"fcm-unavailable"}""").post("/api/dlq/push/replay").then().statusCode(200)
                .body("replayed", equalTo(2))
                .body("ids", containsInAnyOrder(a.id.toString(), c.id.toString()));

        assertThat(row(a.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(row(c.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(row(kept.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.FAILED);
        assertThat(broker.messageCount(dlq)).isEqualTo(1);
        api().get("/api/dlq/push").then().statusCode(200)
                .body("messages.notificationId", contains(kept.id.toString()))
                .body("messages[0].errorClass", equalTo("fcm-unregistered"));
        assertThat(lastReplay().selectorValue).isEqualTo("fcm-unavailable");
    }

    @Test
    void replayAllEmptiesTheQueueAndLeavesASettledRowAlone() throws IOException {
        Channel channel = Channel.INAPP;
        String dlq = Topology.deadLetterQueue(channel);
        emptyDlq(channel);
        Notification a = park(channel, "malformed-job", NotificationStatus.FAILED);
        Notification b = park(channel, "timeout", NotificationStatus.FAILED);
        // Sent meanwhile (say, by an earlier copy): the replayed job reaches the worker, which drops it as done.
        Notification sent = park(channel, "timeout", NotificationStatus.SENT);

        api().body("""
                {"all":true}""").post("/api/dlq/inapp/replay").then().statusCode(200)
                .body("replayed", equalTo(3))
                .body("ids", containsInAnyOrder(a.id.toString(), b.id.toString(), sent.id.toString()));

        assertThat(broker.messageCount(dlq)).isZero();
        assertThat(row(a.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(row(b.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(row(sent.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.SENT);
        DlqReplay recorded = lastReplay();
        assertThat(recorded.selector).isEqualTo("all");
        assertThat(recorded.replayedCount).isEqualTo(3);

        api().body("""
                {"all":true}""").post("/api/dlq/inapp/replay").then().statusCode(200)
                .body("replayed", equalTo(0));
    }

    @Test
    void aSelectorMustBeExactlyOneOfAllIdsOrErrorClass() throws IOException {
        emptyDlq(Channel.EMAIL);
        park(Channel.EMAIL, "smtp-550", NotificationStatus.FAILED);

        api().body("{}").post("/api/dlq/email/replay").then().statusCode(400).body("fields", hasKey("body"));
        api().body("""
                {"all":true,"error_class":"smtp-550"}""").post("/api/dlq/email/replay").then().statusCode(400)
                .body("fields", hasKey("all")).body("fields", hasKey("error_class"));
        api().body("""
                {"all":false}""").post("/api/dlq/email/replay").then().statusCode(400).body("fields", hasKey("all"));
        api().body("""
                {"ids":[]}""").post("/api/dlq/email/replay").then().statusCode(400).body("fields", hasKey("ids"));
        api().body("""
                {"ids":["not-a-uuid"]}""").post("/api/dlq/email/replay").then().statusCode(400)
                .body("fields", hasKey("ids[0]"));
        api().body("""
                {"error_class":" "}""").post("/api/dlq/email/replay").then().statusCode(400)
                .body("fields", hasKey("error_class"));
        api().body("""
                {"everything":true}""").post("/api/dlq/email/replay").then().statusCode(400)
                .body("fields", hasKey("everything"));
        api().body("[1]").post("/api/dlq/email/replay").then().statusCode(400).body("fields", hasKey("body"));

        assertThat(broker.messageCount(Topology.deadLetterQueue(Channel.EMAIL))).isEqualTo(1);
    }

    @Test
    void unknownChannelOrBadLimitIs400AndAKeyIsRequired() {
        api().get("/api/dlq/fax").then().statusCode(400).body("fields", hasKey("channel"));
        api().body("""
                {"all":true}""").post("/api/dlq/fax/replay").then().statusCode(400).body("fields", hasKey("channel"));
        api().queryParam("limit", 501).get("/api/dlq/email").then().statusCode(400).body("fields", hasKey("limit"));
        api().queryParam("limit", "x").get("/api/dlq/email").then().statusCode(400).body("fields", hasKey("limit"));
        io.restassured.RestAssured.given().get("/api/dlq/email").then().statusCode(401);
    }

    /** A failed row (or one in {@code status}) and its job parked in the channel's DLQ, as a worker leaves them. */
    private Notification park(Channel channel, String errorClass, NotificationStatus status) throws IOException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = channel;
        row.receiver = switch (channel) {
            case EMAIL -> "parked@example.com";
            case SMS -> "+14155550123";
            case PUSH -> "fcm-token-parked-0123456789";
            case INAPP -> "u-parked";
        };
        row.targetKind = channel == Channel.INAPP ? TargetKind.USER : null;
        row.subject = channel == Channel.EMAIL ? "Parked" : null;
        row.message = "parked because of " + errorClass;
        row.status = status;
        row.retries = 3;
        row.lastError = errorClass + ": it failed";
        row.correlationId = "dlq-test-" + row.id;
        row.createdAt = now;
        row.updatedAt = now;
        row.publishedAt = now;
        QuarkusTransaction.requiringNew().run(() -> notifications.persist(row));
        broker.publish(Topology.deadLetterQueue(channel),
                new String(codec.encode(row.toJob()), StandardCharsets.UTF_8), Map.of(
                        JobHeaders.CORRELATION_ID, row.correlationId,
                        JobHeaders.NOTIFICATION_ID, row.id.toString(),
                        JobHeaders.ATTEMPTS, 4,
                        JobHeaders.ERROR_CLASS, errorClass,
                        JobHeaders.ERROR_MESSAGE, "550 mailbox unavailable",
                        JobHeaders.FAILURE_KIND, "permanent",
                        JobHeaders.LAST_ATTEMPT_AT, "2030-01-01T00:00:00Z"));
        return row;
    }

    /** Declares the DLQ (as a listing does) and empties it. */
    private void emptyDlq(Channel channel) throws IOException {
        api().get("/api/dlq/" + channel.key()).then().statusCode(200);
        broker.purge(Topology.deadLetterQueue(channel));
    }

    private DlqReplay lastReplay() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<DlqReplay> rows = replays.listAll(io.quarkus.panache.common.Sort.descending("id"));
            assertThat(rows).isNotEmpty();
            return rows.get(0);
        });
    }
}
