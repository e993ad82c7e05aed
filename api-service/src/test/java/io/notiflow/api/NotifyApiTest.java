package io.notiflow.api;

import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.BrokerProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class NotifyApiTest {

    private static final String UUID_PATTERN = "[0-9a-f-]{36}";

    @Test
    void acceptsAnEmailStoresItAndQueuesAJobWithTheCorrelationId() throws Exception {
        String id = api().header("X-Correlation-Id", "corr-email-1")
                .body("""
                        {"type":"email","to":"ada@example.com","subject":"Welcome!","message":"Hello","html":"<p>Hello</p>"}""")
                .post("/api/notify")
                .then().statusCode(202)
                .header("X-Correlation-Id", "corr-email-1")
                .body("status", equalTo("queued"))
                .body("messageId", matchesPattern(UUID_PATTERN))
                .extract().path("messageId");

        Notification stored = row(id).orElseThrow();
        assertThat(stored.status).isEqualTo(NotificationStatus.QUEUED);
        assertThat(stored.receiver).isEqualTo("ada@example.com");
        assertThat(stored.subject).isEqualTo("Welcome!");
        assertThat(stored.html).isEqualTo("<p>Hello</p>");
        assertThat(stored.correlationId).isEqualTo("corr-email-1");

        List<BrokerProbe.Taken> jobs = awaitJobs("notifications.email", id, 1);
        assertThat(jobs.get(0).headers()).containsEntry(JobHeaders.CORRELATION_ID, "corr-email-1");
        assertThat(jobs.get(0).body()).contains("\"receiver\":\"ada@example.com\"").contains("\"channel\":\"EMAIL\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> row(id).orElseThrow().publishedAt != null);
    }

    @Test
    void acceptsEveryTypeAndQueuesEachOnItsOwnWorkQueue() throws Exception {
        String sms = accept("""
                {"type":"sms","to":"+14155550100","message":"Your code is 1234"}""");
        String push = accept("""
                {"type":"push","to":"fcm-token-0123456789abcdef:APA91b","title":"Hi","message":"Ping","data":{"k":"v"}}""");
        String inappUser = accept("""
                {"type":"inapp","to":"u-42","title":"Hi","message":"Hello in app"}""");
        String inappRoom = accept("""
                {"type":"inapp","room":"team-7","message":"Hello room"}""");
        String inappAll = accept("""
                {"type":"inapp","broadcast":true,"message":"Hello everyone"}""");

        awaitJobs("notifications.sms", sms, 1);
        awaitJobs("notifications.push", push, 1);
        assertThat(row(inappUser).orElseThrow().targetKind).isEqualTo(TargetKind.USER);
        assertThat(row(inappRoom).orElseThrow().receiver).isEqualTo("team-7");
        assertThat(row(inappRoom).orElseThrow().targetKind).isEqualTo(TargetKind.ROOM);
        assertThat(row(inappAll).orElseThrow().receiver).isEqualTo("*");
        assertThat(row(inappAll).orElseThrow().targetKind).isEqualTo(TargetKind.EVERYONE);
        assertThat(row(sms).orElseThrow().targetKind).isNull();
        assertThat(row(push).orElseThrow().data).containsEntry("k", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(inappUser, inappRoom, inappAll).stream()
                .allMatch(id -> row(id).orElseThrow().publishedAt != null));
    }

    @Test
    void anInappUserIdSpelledLikeARoomOrEveryoneIsStillAUser() throws Exception {
        for (String to : List.of("room:team-7", "ROOM:team-7", "broadcast", "everyone")) {
            String id = accept("{\"type\":\"inapp\",\"to\":\"" + to + "\",\"message\":\"only for " + to + "\"}");
            Notification row = row(id).orElseThrow();
            assertThat(row.receiver).isEqualTo(to);
            assertThat(row.targetKind).as("target of to=%s", to).isEqualTo(TargetKind.USER);
            assertThat(awaitJobs("notifications.inapp", id, 1).get(0).body())
                    .contains("\"receiver\":\"" + to + "\"").contains("\"targetKind\":\"user\"");
        }
        String room = accept("""
                {"type":"inapp","room":"team-7","message":"for the room"}""");
        assertThat(awaitJobs("notifications.inapp", room, 1).get(0).body())
                .contains("\"receiver\":\"team-7\"").contains("\"targetKind\":\"room\"");
        for (String spaced : List.of(" room:x", "room: x", "broad cast")) {
            api().body("{\"type\":\"inapp\",\"to\":\"" + spaced + "\",\"message\":\"m\"}").post("/api/notify")
                    .then().statusCode(400).body("fields", hasKey("to"));
        }
    }

    @Test
    void idempotencyKeyHeaderReturnsTheFirstAnswerAndQueuesNothingNew() throws Exception {
        String key = "order-" + UUID.randomUUID();
        String body = """
                {"type":"sms","to":"+14155550101","message":"Once only"}""";
        String first = api().header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).extract().path("messageId");
        long rows = rowCount();
        String second = api().header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).body("status", equalTo("queued")).extract().path("messageId");

        assertThat(second).isEqualTo(first);
        assertThat(rowCount()).isEqualTo(rows);
        awaitJobs("notifications.sms", first, 1);
        Thread.sleep(1500); // one relay sweep: a second job would have appeared by now
        try (BrokerProbe probe = new BrokerProbe(ApiTestSupport.VHOST)) {
            assertThat(probe.drain("notifications.sms")).noneMatch(m -> first.equals(m.properties().getMessageId()));
        }
    }

    @Test
    void concurrentRequestsWithOneKeyStoreOneNotificationAndAllGetItsAnswer() throws Exception {
        // Accepts are group-committed: these land in the same group or in groups that race for the key.
        String key = "race-" + UUID.randomUUID();
        String body = """
                {"type":"sms","to":"+14155550102","message":"Raced"}""";
        long rows = rowCount();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> api().header("Idempotency-Key", key).body(body).post("/api/notify")
                        .then().statusCode(202).extract().<String>path("messageId")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> answer : answers) {
                ids.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(1);
            assertThat(rowCount()).isEqualTo(rows + 1);
            assertThat(row(ids.iterator().next())).isPresent();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentAcceptsEachStoreTheirOwnRow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String to = "+1415555" + String.format("%04d", i);
                answers.add(pool.submit(() -> api().body("""
                                {"type":"sms","to":"%s","message":"Burst"}""".formatted(to))
                        .post("/api/notify").then().statusCode(202).extract().<String>path("messageId")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> answer : answers) {
                ids.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(200);
            for (String id : ids) {
                Notification stored = row(id).orElseThrow();
                assertThat(stored.message).isEqualTo("Burst");
                assertThat(stored.status).isEqualTo(NotificationStatus.QUEUED);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> row(id).orElseThrow().publishedAt != null));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestIdFieldIsAnIdempotencyKeyToo() {
        String requestId = "req-" + UUID.randomUUID();
        String body = """
                {"type":"email","to":"bob@example.com","subject":"S","message":"M","request_id":"%s"}"""
                .formatted(requestId);
        String first = api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
        String second = api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
        assertThat(second).isEqualTo(first);
        assertThat(row(first).orElseThrow().requestId).isEqualTo(requestId);

        api().header("Idempotency-Key", "another-key").body(body).post("/api/notify")
                .then().statusCode(400).body("fields", hasKey("request_id"));
    }

    @Test
    void missingOrWrongApiKeyIsRefusedWith401() {
        String body = """
                {"type":"sms","to":"+14155550100","message":"x"}""";
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/notify")
                .then().statusCode(401).contentType("application/problem+json").body("detail", notNullValue());
        RestAssured.given().header("X-API-Key", "not-a-key").contentType(ContentType.JSON).body(body)
                .post("/api/notify").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "nope").get("/api/notifications").then().statusCode(401);
        RestAssured.given().header("X-API-Key", "second-test-key").contentType(ContentType.JSON).body(body)
                .post("/api/notify").then().statusCode(202);
    }

    private static String accept(String body) {
        return api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    /** Waits for {@code count} jobs of notification {@code id} on {@code queue}, taking them off it. */
    static List<BrokerProbe.Taken> awaitJobs(String queue, String id, int count) throws Exception {
        List<BrokerProbe.Taken> found = new ArrayList<>();
        try (BrokerProbe probe = new BrokerProbe(ApiTestSupport.VHOST)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                probe.drain(queue).stream().filter(m -> id.equals(m.properties().getMessageId()))
                        .forEach(found::add);
                return found.size() >= count;
            });
        }
        return found;
    }

    /** Waits until one job of each notification in {@code ids} has arrived on {@code queue}, taking them off it. */
    static void awaitOneJobEach(String queue, List<String> ids) throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (BrokerProbe probe = new BrokerProbe(ApiTestSupport.VHOST)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                probe.drain(queue).forEach(m -> seen.add(m.properties().getMessageId()));
                return seen.containsAll(ids);
            });
        }
    }
}
