package io.notiflow.e2e;

import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.LocalServices;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The email channel end to end: api-service and email-worker run as their packaged jars in separate processes,
 * against the real PostgreSQL and RabbitMQ (database {@value #DATABASE}, vhost {@value #VHOST}, both re-created
 * per run) and an SMTP server in this JVM. The tests only use what a client or an operator has: the HTTP API,
 * SQL, the broker's queues, the recipient's mailbox and signals to the processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ThreadDumpOnFailure.class)
class EmailFlowIT {

    static final String DATABASE = "notiflow_test_e2e";
    static final String VHOST = "notiflow-test-e2e";
    static final String API_KEY = "e2e-key";
    /** Deliveries in flight at once, so also the most sends a crash can leave unacknowledged. */
    static final int WORKER_CONCURRENCY = 4;
    static final String EMAIL_QUEUE = "notifications.email";
    static final String EMAIL_DLQ = "notifications.email.dlq";

    private static SmtpSink smtp;
    private static ServiceProcess api;
    private static ServiceProcess worker;

    @BeforeAll
    static void startPlatform() {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        smtp = new SmtpSink();
        smtp.up();

        Map<String, String> infrastructure = Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_HOST", LocalServices.RABBIT_HOST,
                "RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT),
                "RABBITMQ_VIRTUAL_HOST", VHOST);
        Map<String, String> apiEnv = new HashMap<>(infrastructure);
        apiEnv.put("API_KEYS", API_KEY);
        Map<String, String> workerEnv = new HashMap<>(infrastructure);
        workerEnv.putAll(Map.of(
                "SMTP_HOST", SmtpSink.HOST,
                "SMTP_PORT", String.valueOf(smtp.port()),
                "SMTP_STARTTLS", "DISABLED",
                "RETRY_DELAYS", "1s,2s,3s",
                "WORKER_CONCURRENCY", String.valueOf(WORKER_CONCURRENCY)));

        api = new ServiceProcess("api-service", "e2e.api-service.jar", apiEnv);
        worker = new ServiceProcess("email-worker", "e2e.email-worker.jar", workerEnv);
        // api-service first: it applies the migrations the worker validates at start.
        api.start();
        worker.start();
    }

    @BeforeEach
    void platformIsUp() {
        // Each test starts from a running platform, even when the one before failed half-way.
        smtp.up();
        if (!worker.isRunning()) {
            worker.start();
        }
    }

    @AfterAll
    static void stopPlatform() {
        if (worker != null) {
            worker.stop();
        }
        if (api != null) {
            api.stop();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    @Order(1)
    void deliversEmailsEndToEnd() throws Exception {
        Map<String, String> idBySubject = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            String subject = "welcome-" + i;
            String id = api().header("X-Correlation-Id", "e2e-corr-" + i)
                    .body(emailJson("ada" + i + "@example.com", subject, "Hello number " + i, "welcome-request-" + i))
                    .post("/api/notify")
                    .then().statusCode(202).extract().path("messageId");
            idBySubject.put(subject, id);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(idBySubject.values()).allSatisfy(id -> assertThat(status(id)).isEqualTo("sent")));

        assertThat(smtp.arrivalsBySubject("welcome-")).containsOnlyKeys(idBySubject.keySet())
                .allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1));
        for (SmtpSink.Arrival arrival : smtp.arrivals("welcome-")) {
            String n = arrival.subject().substring("welcome-".length());
            assertThat(arrival.recipient()).isEqualTo("ada" + n + "@example.com");
            assertThat(arrival.body()).isEqualTo("Hello number " + n);
            assertThat(arrival.messageId()).isEqualTo("<" + idBySubject.get(arrival.subject()) + "@notiflow>");
        }

        for (String id : idBySubject.values()) {
            JsonPath view = notification(id);
            assertThat(view.getString("status")).isEqualTo("sent");
            assertThat(view.getString("sentAt")).isNotNull();
            // Usually one attempt. On a loaded machine a freshly started worker's first SMTP connections can
            // time out (seen: one of three concurrent cold sends hit the 10 s mailer timeout); that attempt is
            // retried on the ladder, and the mail still arrives exactly once (checked above).
            List<String> outcomes = view.getList("attempts.outcome");
            assertThat(outcomes).last().isEqualTo("sent");
            assertThat(outcomes.subList(0, outcomes.size() - 1)).allMatch("transient"::equals);
            assertThat(view.getInt("retries")).isEqualTo(outcomes.size() - 1);

            // The timeline: accepted (by which key, under which correlation id), published, then per attempt the
            // worker's claim and the attempt; the last one sent with the provider's id.
            List<String> types = view.getList("events.type");
            assertThat(types.subList(0, 2)).containsExactly("accepted", "published");
            assertThat(types.subList(types.size() - 3, types.size())).containsExactly("claimed", "attempt", "sent");
            assertThat(view.getString("events[0].apiKey")).startsWith("sha256:").doesNotContain(API_KEY);
            assertThat(view.getString("events[0].correlationId")).startsWith("e2e-corr-");
            assertThat(view.getString("events.find { it.type == 'claimed' }.worker")).startsWith("email-worker@");
            assertThat(view.getString("events[-1].providerMessageId")).isEqualTo(view.getString("providerMessageId"));
            assertThat(view.getString("reason")).startsWith("sent: the SMTP relay accepted it at ")
                    .endsWith("(provider id " + view.getString("providerMessageId") + ")");
        }

        assertThat(sql("SELECT type, status, COUNT(*) FROM notifications GROUP BY type, status"))
                .containsExactly(List.of("email", "sent", "3"));
        // The correlation id of the request follows the job into the worker's log lines.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(worker.logTail(500)).contains("[cid:e2e-corr-1]"));
        assertThat(sql("SELECT correlation_id FROM notifications WHERE subject = 'welcome-1'"))
                .containsExactly(List.of("e2e-corr-1"));
    }

    @Test
    @Order(2)
    void acceptsWhileTheWorkerIsDownAndDeliversOnceItStarts() throws Exception {
        worker.stop();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(accept(emailJson("offline" + i + "@example.com", "offline-" + i, "Queued while down",
                    "offline-request-" + i)));
        }

        // Committed, confirmed by the broker and waiting in the work queue; nothing sent yet.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sql(
                "SELECT status, published_at IS NOT NULL FROM notifications WHERE subject LIKE 'offline-%'"))
                .hasSize(5).allSatisfy(row -> assertThat(row).containsExactly("queued", "t")));
        try (BrokerProbe probe = new BrokerProbe(VHOST)) {
            assertThat(probe.messageCount(EMAIL_QUEUE)).isGreaterThanOrEqualTo(5);
        }
        assertThat(smtp.arrivals("offline-")).isEmpty();

        worker.start();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo("sent")));
        assertThat(smtp.arrivalsBySubject("offline-")).hasSize(5)
                .allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1));
    }

    @Test
    @Order(3)
    void noEmailLostOrDuplicatedWhenTheWorkerIsKilledMidRun() throws Exception {
        int burst = 300;
        int killAfter = 40;
        Map<String, String> idBySubject = new ConcurrentHashMap<>();
        int arrivalsBefore = smtp.arrivalCount();

        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> posts = new ArrayList<>();
        try {
            for (int i = 0; i < burst; i++) {
                String subject = "burst-" + i;
                String json = emailJson("reader" + i + "@example.com", subject, "Burst message " + i,
                        "burst-request-" + i);
                posts.add(clients.submit(() -> idBySubject.put(subject, accept(json))));
            }

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).until(() -> {
                failOnRejectedPost(posts);
                return smtp.arrivalCount() - arrivalsBefore >= killAfter;
            });
            worker.kill9();
            int arrivedBeforeKill = smtp.arrivals("burst-").size();

            for (Future<?> post : posts) {
                post.get(120, TimeUnit.SECONDS);
            }
            assertThat(idBySubject).hasSize(burst);
            long unsentAtKill = Long.parseLong(sql(
                    "SELECT COUNT(*) FROM notifications WHERE subject LIKE 'burst-%' AND status <> 'sent'")
                    .get(0).get(0));
            System.out.printf("[e2e] worker killed with SIGKILL after %d of %d emails arrived; %d rows not yet sent%n",
                    arrivedBeforeKill, burst, unsentAtKill);
            assertThat(arrivedBeforeKill).as("the kill must land mid-run").isLessThan(burst);
            assertThat(unsentAtKill).as("rows left for the restarted worker").isPositive();
        } finally {
            clients.shutdownNow();
        }

        worker.start();

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> Long.parseLong(sql(
                "SELECT COUNT(*) FROM notifications WHERE subject LIKE 'burst-%' AND status = 'sent'")
                .get(0).get(0)) == burst);

        Map<String, Long> received = smtp.arrivalsBySubject("burst-");
        Set<String> lost = new HashSet<>(idBySubject.keySet());
        lost.removeAll(received.keySet());
        long duplicates = received.values().stream().mapToLong(count -> count - 1).sum();
        System.out.printf("[e2e] kill -9 mid-run: %d emails accepted, %d distinct received, %d lost, %d duplicate"
                + " sends (bound: %d in flight)%n", burst, received.size(), lost.size(), duplicates,
                WORKER_CONCURRENCY);

        assertThat(lost).as("accepted but never delivered").isEmpty();
        assertThat(received).as("every delivery is at most repeated once").allSatisfy((subject, count) ->
                assertThat(count).as(subject).isBetween(1L, 2L));
        assertThat(duplicates).as("a crash repeats at most the sends that were in flight")
                .isLessThanOrEqualTo(WORKER_CONCURRENCY);
        for (SmtpSink.Arrival arrival : smtp.arrivals("burst-")) {
            assertThat(arrival.messageId()).as("a repeated send keeps its Message-ID, so mail servers can spot it")
                    .isEqualTo("<" + idBySubject.get(arrival.subject()) + "@notiflow>");
        }
        // A repeat comes from a claim the killed worker held (it sent, then died before its verdict), taken over
        // after the lease: every repeated e-mail's timeline says possible-duplicate.
        long flagged = Long.parseLong(sql("""
                SELECT COUNT(DISTINCT a.notification_id) FROM delivery_attempts a JOIN notifications n
                  ON n.id = a.notification_id WHERE n.subject LIKE 'burst-%' AND a.took_over_claim""").get(0).get(0));
        System.out.printf("[e2e] kill -9 mid-run: %d notifications flagged possible-duplicate%n", flagged);
        received.forEach((subject, count) -> {
            if (count > 1) {
                assertThat(notification(idBySubject.get(subject)).<String>getList("events.type")).as(subject)
                        .contains("possible-duplicate");
            }
        });
        assertThat(flagged).as("flagged: the repeats and at most the other sends in flight")
                .isBetween(duplicates, (long) WORKER_CONCURRENCY);
        // The attempt log records exactly one successful send per notification, repeated or not.
        assertThat(sql("""
                SELECT COUNT(*) FROM notifications n
                WHERE n.subject LIKE 'burst-%'
                  AND (SELECT COUNT(*) FROM delivery_attempts a WHERE a.notification_id = n.id AND a.outcome = 'sent') <> 1
                """)).containsExactly(List.of("0"));
    }

    @Test
    @Order(4)
    void failedEmailLandsInTheDeadLetterQueue() throws Exception {
        smtp.down();
        String id;
        try {
            id = accept(emailJson("nobody@example.com", "doomed-1", "This will not go out", "doomed-request-1"));

            // 1 attempt + 3 retries on the 1s,2s,3s ladder, every one refused. What it waits for, meanwhile:
            List<String> reasons = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonPath now = notification(id);
                reasons.add(now.getString("reason"));
                return "failed".equals(now.getString("status"));
            });
            assertThat(reasons).anySatisfy(r -> assertThat(r)
                    .matches("waiting for retry [123] of 3 at \\S+Z after smtp-\\S+ \\(.*\\)"));
        } finally {
            smtp.up();
        }

        JsonPath view = notification(id);
        assertThat(view.getInt("retries")).isEqualTo(3);
        // Real sends only: failures left in the breaker's window by the previous test (an SMTP timeout during the
        // kill) can open the circuit here, and a job that meets an open circuit waits on the ladder with a
        // 'deferred' row (numbered after the last real attempt) without spending a retry.
        List<Map<String, Object>> sends = view.<Map<String, Object>>getList("attempts").stream()
                .filter(a -> !"deferred".equals(a.get("outcome"))).toList();
        assertThat(sends).extracting(a -> a.get("attempt")).containsExactly(1, 2, 3, 4);
        assertThat(sends).extracting(a -> a.get("outcome")).containsOnly("transient");
        assertThat(sends).extracting(a -> String.valueOf(a.get("errorClass"))).allSatisfy(e -> assertThat(e).startsWith("smtp-"));
        assertThat(view.getString("lastError")).startsWith("smtp-");
        // Each failed attempt but the last put it on the ladder (when, out of how many); the last parked it.
        List<Map<String, Object>> retries = view.<Map<String, Object>>getList("events").stream()
                .filter(e -> "retry-scheduled".equals(e.get("type"))).toList();
        assertThat(retries).extracting(e -> e.get("retry")).containsExactly(1, 2, 3);
        assertThat(retries).extracting(e -> e.get("maxRetries")).containsOnly(3);
        assertThat(retries).allSatisfy(e -> assertThat(Instant.parse(String.valueOf(e.get("retryAt"))))
                .isAfter(Instant.parse(String.valueOf(e.get("at")))));
        assertThat(view.<String>getList("events.type")).last().isEqualTo("dead-lettered");
        assertThat(view.getString("events[-1].queue")).isEqualTo(EMAIL_DLQ);
        assertThat(view.getString("events[-1].failureKind")).isEqualTo("retries-exhausted");
        assertThat(view.getString("reason")).startsWith("failed after 4 attempts: smtp-")
                .endsWith("; parked in " + EMAIL_DLQ + ", where an operator can replay it");
        assertThat(sql("SELECT id FROM notifications WHERE status = 'failed' ORDER BY created_at DESC"))
                .containsExactly(List.of(id));

        try (BrokerProbe probe = new BrokerProbe(VHOST)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.messageCount(EMAIL_DLQ) >= 1);
            List<BrokerProbe.Taken> parked = probe.drain(EMAIL_DLQ).stream()
                    .filter(m -> id.equals(m.headers().get("x-notification-id")))
                    .toList();
            assertThat(parked).hasSize(1);
            Map<String, String> headers = parked.get(0).headers();
            assertThat(headers).containsEntry("x-failure-kind", "retries-exhausted")
                    .containsEntry("x-attempts", "4")
                    .containsKeys("x-error-message", "x-correlation-id");
            assertThat(headers.get("x-error-class")).startsWith("smtp-");
            assertThat(Instant.parse(headers.get("x-last-attempt-at"))).isBefore(Instant.now().plusSeconds(1));
            assertThat(parked.get(0).body()).contains(id).contains("nobody@example.com");
        }
        assertThat(smtp.arrivals("doomed-")).isEmpty();
    }

    /** Surfaces a failed POST at once instead of waiting out the arrival timeout. */
    /** Issue 5's flow through a real worker: a stored user and a Mustache template, rendered at accept time. */
    @Test
    @Order(5)
    void notifiesAUserWithATemplateRenderedAtAcceptTime() {
        api().body("""
                        {"id":"e2e-u-1","email":"grace@example.com","locale":"en"}""")
                .post("/api/users").then().statusCode(201);
        api().body("""
                        {"code":"e2e-welcome","channel":"email","subject":"tpl-Welcome {{name}}",
                         "body":"Hello {{name}}","html":"<p>Hello {{name}}</p>"}""")
                .post("/api/templates").then().statusCode(201);

        String id = accept("""
                {"type":"email","user_id":"e2e-u-1","template_code":"e2e-welcome",
                 "variables":{"name":"Ada & Bob"},"request_id":"tpl-request-1"}""");
        await().atMost(Duration.ofSeconds(60)).until(() -> "sent".equals(status(id)));

        List<SmtpSink.Arrival> arrivals = smtp.arrivals("tpl-");
        assertThat(arrivals).hasSize(1);
        SmtpSink.Arrival mail = arrivals.get(0);
        assertThat(mail.recipient()).isEqualTo("grace@example.com");
        assertThat(mail.subject()).isEqualTo("tpl-Welcome Ada & Bob");        // plain text: not escaped
        assertThat(mail.raw()).contains("Hello Ada & Bob")                     // the text part
                .contains("<p>Hello Ada &amp; Bob</p>");                        // the HTML part, escaped

        JsonPath view = notification(id);
        assertThat(view.getString("templateCode")).isEqualTo("e2e-welcome");
        assertThat(view.getString("message")).isEqualTo("Hello Ada & Bob");
        assertThat(view.getString("userId")).isEqualTo("e2e-u-1");
    }

    /** A suppressed address: accepted, skipped when the worker claims it, never sent; sent again once lifted. */
    @Test
    @Order(6)
    void aSuppressedAddressIsSkippedAtItsClaimAndSentToAgainOnceLifted() {
        api().body("""
                        {"channel":"email","address":"Bounced@Example.com","reason":"550 5.1.1 user unknown"}""")
                .post("/api/suppressions").then().statusCode(201);

        String skipped = accept(emailJson("bounced@example.com", "suppressed-1", "never sent", "suppression-1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "skipped".equals(status(skipped)));

        JsonPath view = notification(skipped);
        assertThat(view.getString("reason")).startsWith("not sent: bounced@example.com is suppressed since ")
                .endsWith("(operator: 550 5.1.1 user unknown)");
        assertThat(view.getList("events.type", String.class)).containsExactly("accepted", "published", "suppressed");
        assertThat(view.getString("events[2].reason"))
                .isEqualTo("bounced@example.com is suppressed (operator: 550 5.1.1 user unknown)");
        assertThat(view.getList("attempts")).isEmpty();

        api().delete("/api/suppressions/email/bounced@example.com").then().statusCode(204);
        String sent = accept(emailJson("bounced@example.com", "suppressed-2", "sent again", "suppression-2"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "sent".equals(status(sent)));
        assertThat(smtp.arrivals("suppressed-")).extracting(SmtpSink.Arrival::subject).containsExactly("suppressed-2");
    }

    private static void failOnRejectedPost(List<Future<?>> posts) throws Exception {
        for (Future<?> post : posts) {
            if (post.isDone()) {
                post.get();
            }
        }
    }

    // --- the client's and the operator's views ---

    private static RequestSpecification api() {
        return RestAssured.given().baseUri(api.baseUrl()).header("X-API-Key", API_KEY).contentType(ContentType.JSON);
    }

    private static String accept(String json) {
        return api().body(json).post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    private static JsonPath notification(String id) {
        return api().get("/api/notifications/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static String status(String id) {
        return notification(id).getString("status");
    }

    /** Plain-text fields only (no quotes or backslashes), so no JSON library is needed. */
    private static String emailJson(String to, String subject, String message, String requestId) {
        return """
                {"type":"email","to":"%s","subject":"%s","message":"%s","request_id":"%s"}"""
                .formatted(to, subject, message, requestId);
    }

    /** Runs a query the way an operator would, every column as text. */
    private static List<List<String>> sql(String query) throws SQLException {
        return E2eSql.rows(DATABASE, query);
    }
}
