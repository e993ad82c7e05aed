package io.notiflow.api;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class NotificationQueryTest {

    @Test
    void showsStatusRetriesAndAttemptsOfOneNotification() {
        String id = api().body("""
                        {"type":"sms","to":"+14155550199","message":"status please"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");

        api().get("/api/notifications/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("type", equalTo("sms"))
                .body("receiver", equalTo("+14155550199"))
                .body("status", equalTo("queued"))
                .body("retries", equalTo(0))
                .body("attempts", empty());
    }

    @Test
    void theTimelineStartsWithTheAcceptAndTheReasonSaysWhatItWaitsFor() {
        String id = api().header("X-Correlation-Id", "timeline-corr-1").body("""
                        {"type":"sms","to":"+14155550198","message":"where are you"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");

        // The outbox publishes it (no sms worker runs here, so it stays queued once on the broker).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api().get("/api/notifications/" + id).then()
                .statusCode(200)
                .body("events.type", contains("accepted", "published"))
                .body("reason", startsWith("queued since "))
                .body("reason", endsWith("; waiting for the sms worker")));
        api().get("/api/notifications/" + id).then()
                .body("apiKey", startsWith("sha256:"))
                .body("events[0].apiKey", startsWith("sha256:"))
                .body("events[0].apiKey", not(containsString(ApiTestSupport.API_KEY)))
                .body("events[0].correlationId", equalTo("timeline-corr-1"))
                .body("events[0].at", notNullValue())
                .body("events[1].at", notNullValue());

        api().body("""
                {"id":"timeline-u-1","phone":"+14155550197","preferences":{"sms":false}}""")
                .post("/api/users").then().statusCode(201);
        String skipped = api().body("""
                        {"type":"sms","user_id":"timeline-u-1","message":"not for you"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        String skipReason = row(skipped).orElseThrow().skipReason;
        assertThat(skipReason).isNotBlank();
        api().get("/api/notifications/" + skipped).then().statusCode(200)
                .body("status", equalTo("skipped"))
                .body("events.type", contains("accepted", "skipped"))
                .body("events[1].reason", equalTo(skipReason))
                .body("reason", equalTo("not sent: " + skipReason));

        // The list view stays small: no timeline there.
        api().queryParam("receiver", "+14155550198").get("/api/notifications").then().statusCode(200)
                .body("[0].events", nullValue())
                .body("[0].reason", nullValue());
    }

    @Test
    void unknownIdIs404AndAMalformedIdIs400() {
        api().get("/api/notifications/" + UUID.randomUUID()).then().statusCode(404);
        api().get("/api/notifications/not-a-uuid").then().statusCode(400).body("fields", hasKey("id"));
    }

    @Test
    void listsNewestFirstFilteredByTypeAndStatus() {
        String older = api().body("""
                        {"type":"push","to":"fcm-token-aaaaaaaaaaaaaaaaaaaa","message":"one"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        String newer = api().body("""
                        {"type":"push","to":"fcm-token-bbbbbbbbbbbbbbbbbbbb","message":"two"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");

        List<String> ids = api().queryParam("type", "push").queryParam("status", "queued").queryParam("limit", 2)
                .get("/api/notifications").then().statusCode(200)
                .body("type", everyItem(equalTo("push")))
                .body("status", everyItem(equalTo("queued")))
                .extract().jsonPath().getList("id", String.class);
        assertThat(ids).containsExactly(newer, older);
    }

    @Test
    void badFiltersAreNamed() {
        api().queryParam("status", "lost").queryParam("type", "fax").queryParam("limit", 0)
                .get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("status"))
                .body("fields", hasKey("type"))
                .body("fields", hasKey("limit"));
        api().queryParam("limit", "ten").get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("limit"));
    }

    @Test
    void filtersByReceiverUserAndCreationTime() {
        String receiver = "+1415555" + String.format("%04d", new Random().nextInt(10_000));
        String first = api().body(smsTo(receiver, "first")).post("/api/notify").then().statusCode(202)
                .extract().path("messageId");
        String second = api().body(smsTo(receiver, "second")).post("/api/notify").then().statusCode(202)
                .extract().path("messageId");
        String userId = "u-filter-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> CDI.current().select(EntityManager.class).get()
                .createNativeQuery("UPDATE notifications SET user_id = :user WHERE id = :id")
                .setParameter("user", userId).setParameter("id", UUID.fromString(second)).executeUpdate());
        OffsetDateTime secondCreated = row(second).orElseThrow().createdAt;
        assertThat(row(first).orElseThrow().createdAt).isBefore(secondCreated);

        assertThat(ids(Map.of("receiver", receiver))).containsExactly(second, first);
        assertThat(ids(Map.of("user_id", userId))).containsExactly(second);
        assertThat(ids(Map.of("receiver", receiver, "since", secondCreated.toString()))).containsExactly(second);
        assertThat(ids(Map.of("receiver", receiver, "until", secondCreated.toString()))).containsExactly(first);
        assertThat(ids(Map.of("receiver", receiver, "type", "email"))).isEmpty();
    }

    @Test
    void badTimeAndBlankFiltersAreNamed() {
        api().queryParam("since", "yesterday").queryParam("until", "2030-13-01T00:00:00Z")
                .get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("since"))
                .body("fields", hasKey("until"));
        api().queryParam("receiver", " ").queryParam("user_id", "\t").get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("receiver"))
                .body("fields", hasKey("user_id"));
        api().queryParam("since", "2030-01-02T00:00:00Z").queryParam("until", "2030-01-01T00:00:00Z")
                .get("/api/notifications").then().statusCode(400)
                .body("fields.until", equalTo("must be after since"));
    }

    private static List<String> ids(Map<String, String> query) {
        return api().queryParams(query).get("/api/notifications").then().statusCode(200)
                .extract().jsonPath().getList("id", String.class);
    }

    private static String smsTo(String receiver, String message) {
        return """
                {"type":"sms","to":"%s","message":"%s"}""".formatted(receiver, message);
    }
}
