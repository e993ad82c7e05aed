package io.notiflow.sms;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.AttemptOutcome;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.Management;
import io.notiflow.core.testing.WorkerTestSupport;
import io.notiflow.core.worker.GuardedSender;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

/** The SMS worker end to end: a queued job, the real broker and database, the real Twilio SDK and a fake Twilio. */
@QuarkusTest
class TwilioDeliveryTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);
    private static final String DLQ = Topology.deadLetterQueue(Channel.SMS);

    @InjectTwilioFake
    TwilioFake twilio;

    private final TestNotifications notifications = new TestNotifications();

    @Inject
    CircuitBreakerMaintenance breakers;

    private BrokerProbe broker;

    @BeforeEach
    void startFromAHealthyProvider() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);
        broker = new BrokerProbe(SmsWorkerTestResources.VHOST);
    }

    @AfterEach
    void closeProbe() {
        broker.close();
    }

    @Test
    void sendsTheMessageThroughTheTwilioMessagesApi() {
        String to = TwilioFake.uniqueNumber();
        twilio.accepts(to, "SM00000000000000000000000000000001");
        Notification queued = notifications.queue(to, "Your code is 4711");

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        List<LoggedRequest> requests = twilio.requestsTo(to);
        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(request.getMethod().getName()).isEqualTo("POST");
            assertThat(request.getUrl()).isEqualTo(TwilioFake.MESSAGES_PATH);
            assertThat(request.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                    (TwilioFake.ACCOUNT_SID + ":" + TwilioFake.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)));
            assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(request.formParameters()).containsOnlyKeys("To", "From", "Body", "StatusCallback");
            // PUBLIC_BASE_URL (its trailing slash dropped) and the notification's id: where api-service takes the
            // signed status callbacks.
            assertThat(request.formParameter("StatusCallback").firstValue()).isEqualTo(
                    "https://notiflow.example.test/api/providers/twilio/status?id=" + queued.id);
            assertThat(request.formParameter("To").firstValue()).isEqualTo(to);
            assertThat(request.formParameter("From").firstValue()).isEqualTo(TwilioFake.FROM);
            assertThat(request.formParameter("Body").firstValue()).isEqualTo("Your code is 4711");
        });

        assertThat(sent.providerMessageId).isEqualTo("SM00000000000000000000000000000001");
        assertThat(sent.sentAt).isNotNull();
        assertThat(sent.retries).isZero();
        assertThat(sent.lastError).isNull();
        assertThat(notifications.attempts(queued.id)).singleElement().satisfies(a -> {
            assertThat(a.attemptNumber).isEqualTo(1);
            assertThat(a.outcome).isEqualTo(AttemptOutcome.SENT);
        });
    }

    @Test
    void invalidNumberGoesStraightToDeadLetterQueue() throws Exception {
        String to = TwilioFake.uniqueNumber();
        twilio.fails(to, 400, 21211, "The 'To' number " + to + " is not a valid phone number.");
        Notification queued = notifications.queue(to);

        Notification failed = awaitStatus(queued.id, NotificationStatus.FAILED);

        assertThat(failed.retries).isZero();
        assertThat(failed.sentAt).isNull();
        assertThat(failed.lastError).startsWith("twilio-21211");
        assertThat(notifications.attempts(queued.id)).singleElement().satisfies(a -> {
            assertThat(a.attemptNumber).isEqualTo(1);
            assertThat(a.outcome).isEqualTo(AttemptOutcome.PERMANENT);
            assertThat(a.errorClass).isEqualTo("twilio-21211");
            assertThat(a.errorMessage).contains("HTTP 400").contains("not a valid phone number");
        });

        BrokerProbe.Taken parked = awaitDeadLetter(queued.id);
        assertThat(parked.headers())
                .containsEntry(JobHeaders.ERROR_CLASS, "twilio-21211")
                .containsEntry(JobHeaders.FAILURE_KIND, "permanent")
                .containsEntry(JobHeaders.ATTEMPTS, "1")
                .containsEntry(JobHeaders.CORRELATION_ID, queued.correlationId)
                .containsKey(JobHeaders.LAST_ATTEMPT_AT);
        // Neither the SDK nor the ladder tried again.
        assertThat(twilio.requestsTo(to)).hasSize(1);
    }

    @Test
    void serviceUnavailableGoesOntoTheLadderThenSucceeds() {
        String to = TwilioFake.uniqueNumber();
        twilio.failsThenAccepts(to, 1, 503, 20503, "SM00000000000000000000000000000002");
        Notification queued = notifications.queue(to);

        Notification sent = awaitStatus(queued.id, NotificationStatus.SENT);

        assertThat(sent.retries).isEqualTo(1);
        assertThat(sent.lastError).isNull();
        assertThat(sent.providerMessageId).isEqualTo("SM00000000000000000000000000000002");
        List<DeliveryAttempt> attempts = notifications.attempts(queued.id);
        assertThat(attempts).extracting(a -> a.outcome)
                .containsExactly(AttemptOutcome.TRANSIENT, AttemptOutcome.SENT);
        assertThat(attempts.get(0).errorClass).isEqualTo("twilio-20503");
        // One HTTP request per attempt: the 503 was not repeated inside the SDK.
        assertThat(twilio.requestsTo(to)).hasSize(2);
    }

    @Test
    void openCircuitDefersJobsWithoutCallingTwilio() {
        List<String> numbers = IntStream.range(0, 4).mapToObj(i -> TwilioFake.uniqueNumber()).toList();
        numbers.forEach(to -> twilio.failsThenAccepts(to, 1, 503, 20503, "SM" + to.substring(1)));

        // Four failed calls: the test profile's breaker opens after 4 calls, half of them failed.
        List<UUID> ids = numbers.stream().map(to -> notifications.queue(to).id).toList();
        await().atMost(PROCESSING).until(() -> breakers.currentState(GuardedSender.BREAKER),
                state -> state == CircuitBreakerState.OPEN);
        // The heartbeat row tells api-service (and so the operator console) too. Awaited alongside the endpoint
        // checks below: the circuit stays open 10 s, and reading /q/health/ready can take seconds.
        CompletableFuture<Void> rowShowsOpen = CompletableFuture.runAsync(() -> await()
                .atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
                .until(() -> WorkerTestSupport.heartbeatRow().providerCircuit, "open"::equals));

        given().when().get(Management.url("/q/health/ready"))
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'delivery-worker' }.data.providerCircuit", is("open"));
        given().when().get(Management.url("/q/metrics"))
                .then().statusCode(200)
                .body(matchesPattern("(?s).*ft_circuitbreaker_state_current\\{[^}]*state=\"open\"[^}]*} 1\\.0.*"));
        rowShowsOpen.join();

        // The ladder brings the jobs back while the circuit is still open (2 s steps, 10 s open): they
        // are deferred without a call to Twilio.
        await().atMost(PROCESSING).until(() -> ids.stream().allMatch(id -> notifications.attempts(id).stream()
                .anyMatch(a -> a.outcome == AttemptOutcome.DEFERRED)));
        assertThat(numbers).allSatisfy(to -> assertThat(twilio.requestsTo(to)).hasSize(1));

        // Once the circuit lets calls through again, every job is sent: one failed and one good request each.
        ids.forEach(id -> awaitStatus(id, NotificationStatus.SENT));
        assertThat(numbers).allSatisfy(to -> assertThat(twilio.requestsTo(to)).hasSize(2));
        assertThat(ids).allSatisfy(id -> {
            List<DeliveryAttempt> attempts = notifications.attempts(id);
            assertThat(attempts.get(0).outcome).isEqualTo(AttemptOutcome.TRANSIENT);
            assertThat(attempts.get(attempts.size() - 1).outcome).isEqualTo(AttemptOutcome.SENT);
            assertThat(attempts.subList(1, attempts.size() - 1)).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.outcome).isEqualTo(AttemptOutcome.DEFERRED));
            // Waiting on an open circuit spent no retries.
            assertThat(notifications.row(id).retries).isEqualTo(1);
        });
        await().atMost(PROCESSING).until(() -> WorkerTestSupport.heartbeatRow().providerCircuit, "closed"::equals);
    }

    private Notification awaitStatus(UUID id, NotificationStatus status) {
        return notifications.awaitStatus(id, status, PROCESSING);
    }

    /** Drains the DLQ until the job of {@code id} shows up; other tests' leftovers are dropped on the way. */
    private BrokerProbe.Taken awaitDeadLetter(UUID id) {
        return broker.awaitMessage(DLQ, JobHeaders.NOTIFICATION_ID, id.toString(), PROCESSING);
    }
}
