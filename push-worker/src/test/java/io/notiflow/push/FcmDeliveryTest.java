package io.notiflow.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.AttemptOutcome;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.store.Suppression;
import io.notiflow.core.store.SuppressionRepository;
import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.Management;
import io.notiflow.core.testing.WorkerTestSupport;
import io.notiflow.core.worker.GuardedSender;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.notiflow.push.FcmFake.fcmError;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/**
 * The push worker end to end: a queued job, the real broker and database, and firebase-admin talking HTTP to an
 * in-process fake of FCM (token endpoint and v1 send endpoint).
 */
@QuarkusTest
class FcmDeliveryTest {

    private static final Duration PROCESSING = Duration.ofSeconds(40);
    private static final String DLQ = Topology.deadLetterQueue(Channel.PUSH);

    @InjectFcmFake
    FcmFake fcm;

    private final TestNotifications notifications = new TestNotifications();

    @Inject
    SuppressionRepository suppressions;

    @Inject
    CircuitBreakerMaintenance breakers;

    private BrokerProbe broker;

    @BeforeEach
    void startFromAHealthyProvider() {
        fcm.reset();
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);
        broker = new BrokerProbe(PushWorkerTestResources.VHOST);
    }

    @AfterEach
    void closeProbe() {
        broker.close();
    }

    @Test
    void sendsTitleBodyAndDataThroughFcmV1AndRecordsTheMessageName() {
        String token = TestNotifications.uniqueToken();
        String name = fcm.accept(token);
        Notification queued = notifications.queue(token, "Your order shipped", "It arrives on Tuesday",
                Map.of("orderId", "A-17", "image", "https://example.com/parcel.png",
                        "link", "https://example.com/orders/A-17"));

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        List<LoggedRequest> requests = fcm.sendsTo(token);
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo("/v1/projects/notiflow-test/messages:send");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + FcmFake.ACCESS_TOKEN);
        JsonNode message = FcmFake.json(request).get("message");
        assertThat(message.get("token").asText()).isEqualTo(token);
        assertThat(message.at("/notification/title").asText()).isEqualTo("Your order shipped");
        assertThat(message.at("/notification/body").asText()).isEqualTo("It arrives on Tuesday");
        assertThat(message.at("/notification/image").asText()).isEqualTo("https://example.com/parcel.png");
        assertThat(message.at("/webpush/fcm_options/link").asText()).isEqualTo("https://example.com/orders/A-17");
        assertThat(message.at("/data/orderId").asText()).isEqualTo("A-17");
        assertThat(message.get("data").size()).isEqualTo(3);

        assertThat(sent.providerMessageId).isEqualTo(name);
        assertThat(sent.sentAt).isNotNull();
        assertThat(sent.retries).isZero();
        assertThat(notifications.attempts(queued.id)).singleElement()
                .satisfies(a -> assertThat(a.outcome).isEqualTo(AttemptOutcome.SENT));
    }

    @Test
    void unregisteredTokenIsDeadLetteredSuppressedAndNeverSentToAgain() throws Exception {
        String token = TestNotifications.uniqueToken();
        fcm.answer(token, fcmError(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."));
        Notification first = notifications.queue(token);

        Notification failed = awaitStatus(first.id, NotificationStatus.FAILED);

        assertThat(failed.retries).isZero();
        assertThat(failed.lastError).startsWith("fcm-unregistered");
        assertThat(fcm.sendsTo(token)).hasSize(1);
        assertThat(notifications.attempts(first.id)).singleElement().satisfies(a -> {
            assertThat(a.outcome).isEqualTo(AttemptOutcome.PERMANENT);
            assertThat(a.errorClass).isEqualTo("fcm-unregistered");
            assertThat(a.errorMessage).contains("HTTP 404");
        });
        BrokerProbe.Taken parked = awaitDeadLetter(first.id);
        assertThat(parked.headers())
                .containsEntry(JobHeaders.ERROR_CLASS, "fcm-unregistered")
                .containsEntry(JobHeaders.FAILURE_KIND, "permanent")
                .containsEntry(JobHeaders.ATTEMPTS, "1");
        assertThat(suppression(token)).hasValueSatisfying(dead -> {
            assertThat(dead.reason).isEqualTo("FCM answered UNREGISTERED");
            assertThat(dead.source).isEqualTo(Suppression.Source.DEAD_TOKEN.key());
            assertThat(dead.notificationId).isEqualTo(first.id);
        });

        Notification second = notifications.queue(token);

        Notification skipped = awaitStatus(second.id, NotificationStatus.SKIPPED);
        assertThat(skipped.skipReason).startsWith(token + " is suppressed since ")
                .endsWith("(dead-token: FCM answered UNREGISTERED)");
        assertThat(notifications.attempts(second.id)).as("no attempt for a suppressed token").isEmpty();
        assertThat(fcm.sendsTo(token)).as("no request for a dead token").hasSize(1);
    }

    @Test
    void invalidArgumentFailsPermanentlyWithoutMarkingTheTokenDead() throws Exception {
        String token = TestNotifications.uniqueToken();
        fcm.answer(token, fcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                "The registration token is not a valid FCM registration token"));
        Notification queued = notifications.queue(token);

        Notification failed = awaitStatus(queued.id, NotificationStatus.FAILED);

        assertThat(failed.lastError).startsWith("fcm-invalid-argument");
        assertThat(awaitDeadLetter(queued.id).headers()).containsEntry(JobHeaders.FAILURE_KIND, "permanent");
        assertThat(fcm.sendsTo(token)).hasSize(1);
        assertThat(suppression(token)).isEmpty();
    }

    @Test
    void unavailableFcmIsRetriedOnTheLadderUntilItRecovers() {
        String token = TestNotifications.uniqueToken();
        // A bare 503 (no FCM error details) for the first five requests, then success.
        String state = Scenario.STARTED;
        for (int request = 1; request <= 5; request++) {
            String next = request == 5 ? "recovered" : "down-" + request;
            fcm.stub(fcm.sendTo(token).inScenario("fcm-down").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(503).withBody("Service Unavailable"))
                    .willSetStateTo(next));
            state = next;
        }
        String name = "projects/" + FcmFake.PROJECT + "/messages/after-outage";
        fcm.stub(fcm.sendTo(token).inScenario("fcm-down").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"name\":\"" + name + "\"}")));
        Notification queued = notifications.queue(token);

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        assertThat(sent.providerMessageId).isEqualTo(name);
        assertThat(sent.retries).isEqualTo(1);
        List<DeliveryAttempt> attempts = notifications.attempts(queued.id);
        assertThat(attempts).extracting(a -> a.outcome).containsExactly(AttemptOutcome.TRANSIENT, AttemptOutcome.SENT);
        DeliveryAttempt failedAttempt = attempts.get(0);
        assertThat(failedAttempt.errorClass).isEqualTo("fcm-unavailable");
        assertThat(failedAttempt.errorMessage).contains("HTTP 503");
        // The SDK retries a 503 itself: one failed send() was five HTTP requests over 0.5+1+2+4 s of back-off.
        assertThat(failedAttempt.durationMs).isGreaterThanOrEqualTo(7_000);
        assertThat(fcm.sendsTo(token)).hasSize(6);
        System.out.printf("measured: failed send() = 5 HTTP requests in %d ms%n", failedAttempt.durationMs);
    }

    @Test
    void quotaExceededWithRetryAfterWaitsOnTheLadderStepThatHonoursIt() throws Exception {
        String token = TestNotifications.uniqueToken();
        fcm.stub(fcm.sendTo(token).inScenario("quota").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded.")
                        .withHeader("Retry-After", "4"))
                .willSetStateTo("refilled"));
        String name = "projects/" + FcmFake.PROJECT + "/messages/after-quota";
        fcm.stub(fcm.sendTo(token).inScenario("quota").whenScenarioStateIs("refilled")
                .willReturn(okJson("{\"name\":\"" + name + "\"}")));
        Notification queued = notifications.queue(token);

        // Test ladder 1s,2s,5s: the first step that waits at least 4 s is step 3.
        await().atMost(PROCESSING).until(() -> broker.messageCount(Topology.retryQueue(Channel.PUSH, 3)) == 1);
        assertThat(broker.messageCount(Topology.retryQueue(Channel.PUSH, 1))).isZero();
        Notification retrying = notifications.row(queued.id);
        assertThat(retrying.status).isEqualTo(NotificationStatus.RETRYING);
        assertThat(retrying.lastError).startsWith("fcm-quota-exceeded").contains("Retry-After 4s");
        assertThat(fcm.sendsTo(token)).as("the SDK does not retry 429 itself").hasSize(1);

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        assertThat(sent.providerMessageId).isEqualTo(name);
        List<LoggedRequest> requests = fcm.sendsTo(token);
        assertThat(requests).hasSize(2);
        long waitedMs = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).isGreaterThanOrEqualTo(4_000);
    }

    @Test
    void openCircuitDefersJobsWithoutCallingFcm() {
        fcm.answerAll(fcmError(500, "INTERNAL", "INTERNAL", "Internal error encountered."));
        // %test opens the breaker after 4 calls of which half failed; INTERNAL is one request per send().
        List<UUID> failing = IntStream.range(0, 4)
                .mapToObj(i -> notifications.queue(TestNotifications.uniqueToken()).id).toList();
        await().atMost(PROCESSING).until(() -> breakers.currentState(GuardedSender.BREAKER) == CircuitBreakerState.OPEN);
        int callsWhenOpened = fcm.allSends().size();
        assertThat(callsWhenOpened).isEqualTo(4);

        String token = TestNotifications.uniqueToken();
        String name = fcm.accept(token);
        Notification waiting = notifications.queue(token);

        await().atMost(PROCESSING).until(() -> notifications.attempts(waiting.id).stream()
                .anyMatch(a -> a.outcome == AttemptOutcome.DEFERRED));
        assertThat(breakers.currentState(GuardedSender.BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(fcm.allSends()).as("no FCM call while the circuit is open").hasSize(callsWhenOpened);
        DeliveryAttempt deferred = notifications.attempts(waiting.id).get(0);
        assertThat(deferred.errorClass).isEqualTo("circuit-open");
        assertThat(notifications.row(waiting.id).status).isNotIn(NotificationStatus.FAILED, NotificationStatus.SENT);
        given().when().get(Management.url("/q/health/ready"))
                .then().statusCode(200)
                .body("checks.find { it.name == 'delivery-worker' }.data.providerCircuit", is("open"));

        // FCM recovers; once the breaker lets calls through again, every waiting job is delivered.
        fcm.reset();
        fcm.answerAll(okJson("{\"name\":\"projects/" + FcmFake.PROJECT + "/messages/recovered\"}"));
        fcm.accept(token);
        Notification sent = awaitStatus(waiting.id, NotificationStatus.SENT);
        assertThat(sent.providerMessageId).isEqualTo(name);
        assertThat(sent.retries).as("deferrals use no retry").isZero();
        failing.forEach(id -> awaitStatus(id, NotificationStatus.SENT));
    }

    private Optional<Suppression> suppression(String token) {
        return QuarkusTransaction.requiringNew().call(() -> suppressions.find(Channel.PUSH, token));
    }

    private Notification awaitStatus(UUID id, NotificationStatus status) {
        return notifications.awaitStatus(id, status, PROCESSING);
    }

    /** Drains the DLQ until the job of {@code id} shows up; other tests' leftovers are dropped on the way. */
    private BrokerProbe.Taken awaitDeadLetter(UUID id) {
        return broker.awaitMessage(DLQ, JobHeaders.NOTIFICATION_ID, id.toString(), PROCESSING);
    }
}
