package io.notiflow.api;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/**
 * Idempotency keys through POST /api/notify: scoped per API key, refused for a different request, expiring after
 * the window (24 h) and purged afterwards.
 */
@QuarkusTest
class IdempotencyApiTest {

    private static final String SECOND_API_KEY = "second-test-key";
    private static final String SMS = """
            {"type":"sms","to":"+14155550110","message":"%s"}""";

    @Inject
    DataSource database;

    @Inject
    Scheduler scheduler;

    @Test
    void twoApiKeysWithTheSameKeyEachGetTheirOwnNotification() {
        String key = "shared-" + UUID.randomUUID();
        String body = SMS.formatted("Tenant message");
        long rows = rowCount();

        String mine = api().header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).extract().path("messageId");
        String theirs = as(SECOND_API_KEY).header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).body("messageId", not(equalTo(mine))).extract().path("messageId");
        assertThat(rowCount()).isEqualTo(rows + 2);

        // Each caller's repeat still gets its own first answer.
        api().header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).body("messageId", equalTo(mine));
        as(SECOND_API_KEY).header("Idempotency-Key", key).body(body).post("/api/notify")
                .then().statusCode(202).body("messageId", equalTo(theirs));
        assertThat(rowCount()).isEqualTo(rows + 2);
    }

    @Test
    void twoApiKeysWithTheSameRequestIdEachGetTheirOwnNotification() {
        String body = """
                {"type":"sms","to":"+14155550111","message":"Tenant","request_id":"rid-%s"}"""
                .formatted(UUID.randomUUID());
        String mine = api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
        as(SECOND_API_KEY).body(body).post("/api/notify")
                .then().statusCode(202).body("messageId", not(equalTo(mine)));
    }

    @Test
    void theSameKeyWithADifferentRequestIs422NamingTheKeyAndStoresNothing() {
        String key = "reused-" + UUID.randomUUID();
        api().header("Idempotency-Key", key).body(SMS.formatted("First")).post("/api/notify")
                .then().statusCode(202);
        long rows = rowCount();

        api().header("Idempotency-Key", key).body(SMS.formatted("Second")).post("/api/notify")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("title", equalTo("Unprocessable Content"))
                .body("detail", containsString(key))
                .body("fields", hasKey("Idempotency-Key"));

        String requestId = "reused-body-" + UUID.randomUUID();
        api().body("""
                {"type":"sms","to":"+14155550112","message":"First","request_id":"%s"}""".formatted(requestId))
                .post("/api/notify").then().statusCode(202);
        api().body("""
                {"type":"sms","to":"+14155550113","message":"First","request_id":"%s"}""".formatted(requestId))
                .post("/api/notify").then().statusCode(422).body("fields", hasKey("request_id"));
        assertThat(rowCount()).isEqualTo(rows + 1);
    }

    @Test
    void theSameRequestIsTheSameWhateverItsLayoutOrWhereTheKeyCameFrom() {
        String key = "layout-" + UUID.randomUUID();
        String first = api().header("Idempotency-Key", key).body("""
                        {"type":"push","to":"fcm-token-0123456789abcdef:APA91b","title":"T","message":"M",
                         "data":{"a":"1","b":"2"}}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        long rows = rowCount();
        api().body("""
                        { "data" : {"b":"2","a":"1"}, "message":"M", "request_id":"%s", "title":"T",
                          "to":"fcm-token-0123456789abcdef:APA91b", "type":"push" }""".formatted(key))
                .post("/api/notify").then().statusCode(202).body("messageId", equalTo(first));
        assertThat(rowCount()).isEqualTo(rows);
    }

    @Test
    void anExpiredKeyIsNeverHonouredEvenBeforeItIsPurged() throws Exception {
        String key = "expired-" + UUID.randomUUID();
        scheduler.pause("idempotency-purge");
        try {
            String first = api().header("Idempotency-Key", key).body(SMS.formatted("Yesterday"))
                    .post("/api/notify").then().statusCode(202).extract().path("messageId");
            age(key, Duration.ofHours(24).plusSeconds(1));

            long rows = rowCount();
            String again = api().header("Idempotency-Key", key).body(SMS.formatted("Yesterday"))
                    .post("/api/notify").then().statusCode(202).extract().path("messageId");
            assertThat(again).isNotEqualTo(first);
            assertThat(rowCount()).isEqualTo(rows + 1);
            assertThat(row(again).orElseThrow().requestId).isEqualTo(key);

            // The key now answers for its new first request.
            api().header("Idempotency-Key", key).body(SMS.formatted("Yesterday"))
                    .post("/api/notify").then().statusCode(202).body("messageId", equalTo(again));
            api().header("Idempotency-Key", key).body(SMS.formatted("Other"))
                    .post("/api/notify").then().statusCode(422);

            // An expired key may also be reused for a different request.
            age(key, Duration.ofHours(25));
            api().header("Idempotency-Key", key).body(SMS.formatted("Other"))
                    .post("/api/notify").then().statusCode(202).body("messageId", not(equalTo(again)));
        } finally {
            scheduler.resume("idempotency-purge");
        }
    }

    @Test
    void aKeyWithinTheWindowStillHolds() throws Exception {
        String key = "recent-" + UUID.randomUUID();
        String first = api().header("Idempotency-Key", key).body(SMS.formatted("Today"))
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        age(key, Duration.ofHours(23));
        api().header("Idempotency-Key", key).body(SMS.formatted("Today"))
                .post("/api/notify").then().statusCode(202).body("messageId", equalTo(first));
    }

    @Test
    void expiredKeysArePurgedAndLiveOnesKept() throws Exception {
        String live = "live-" + UUID.randomUUID();
        api().header("Idempotency-Key", live).body(SMS.formatted("Live")).post("/api/notify")
                .then().statusCode(202);
        String prefix = "purge-" + UUID.randomUUID() + "-";
        try (Connection c = database.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into accepted_requests"
                     + " (api_key_sha256, request_id, request_sha256, response, created_at)"
                     + " select 'f0', ? || n, null, '{}'::jsonb, now() - interval '2 days'"
                     + " from generate_series(1, 2500) n")) {
            insert.setString(1, prefix);
            insert.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> keys(prefix + "%") == 0);
        assertThat(keys(live)).isEqualTo(1);
    }

    @Test
    void aKeyStoredBeforeKeysWereScopedStillAnswersItsRepeat() throws Exception {
        String key = "legacy-" + UUID.randomUUID();
        String legacyId = UUID.randomUUID().toString();
        try (Connection c = database.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into accepted_requests"
                     + " (api_key_sha256, request_id, request_sha256, response, created_at)"
                     + " values ('', ?, null, cast(? as jsonb), now())")) {
            insert.setString(1, key);
            insert.setString(2, "{\"status\":\"queued\",\"messageId\":\"" + legacyId + "\"}");
            insert.executeUpdate();
        }
        long rows = rowCount();
        api().header("Idempotency-Key", key).body(SMS.formatted("Legacy")).post("/api/notify")
                .then().statusCode(202).body("messageId", equalTo(legacyId));
        assertThat(rowCount()).isEqualTo(rows);
    }

    private static RequestSpecification as(String apiKey) {
        return RestAssured.given().header("X-API-Key", apiKey).contentType(ContentType.JSON);
    }

    private void age(String key, Duration by) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement update = c.prepareStatement("update accepted_requests"
                     + " set created_at = now() - make_interval(secs => ?) where request_id = ?")) {
            update.setLong(1, by.getSeconds());
            update.setString(2, key);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private long keys(String pattern) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement count = c.prepareStatement("select count(*) from accepted_requests"
                     + " where request_id like ?")) {
            count.setString(1, pattern);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
