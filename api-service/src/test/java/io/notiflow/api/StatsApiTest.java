package io.notiflow.api;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
class StatsApiTest {

    @Test
    void countsByTypeAndStatusAndSentAndFailedPerMinute() {
        JsonPath before = stats();
        String sent = notifyEmail();
        String failed = notifyEmail();
        notifyEmail();
        sql("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = :id", sent);
        sql("UPDATE notifications SET status = 'failed', updated_at = now() WHERE id = :id", failed);

        JsonPath after = stats();
        assertThat(count(after, "email", "sent")).isEqualTo(count(before, "email", "sent") + 1);
        assertThat(count(after, "email", "failed")).isEqualTo(count(before, "email", "failed") + 1);
        assertThat(count(after, "email", "queued")).isEqualTo(count(before, "email", "queued") + 1);

        List<Map<String, Object>> minutes = after.getList("perMinute");
        assertThat(minutes).hasSize(60);
        assertThat(sum(minutes, "sent")).isEqualTo(sum(before.getList("perMinute"), "sent") + 1);
        assertThat(sum(minutes, "failed")).isEqualTo(sum(before.getList("perMinute"), "failed") + 1);
    }

    @Test
    void showsWorkAndDeadLetterQueueDepthsOfEveryChannel() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonPath stats = stats();
            assertThat(stats.getList("queues.channel")).containsExactly("email", "sms", "push", "inapp");
            // The work queues are declared by api-service's outbox relay, so the broker reports a number.
            assertThat(stats.getList("queues.queued")).doesNotContainNull();
        });
    }

    @Test
    void needsTheApiKey() {
        io.restassured.RestAssured.given().get("/api/stats").then().statusCode(401);
    }

    private static JsonPath stats() {
        return api().get("/api/stats").then().statusCode(200).extract().jsonPath();
    }

    private static long count(JsonPath stats, String type, String status) {
        List<Map<String, Object>> counts = stats.getList("counts");
        return counts.stream().filter(c -> type.equals(c.get("type")) && status.equals(c.get("status")))
                .mapToLong(c -> ((Number) c.get("count")).longValue()).sum();
    }

    private static long sum(List<Map<String, Object>> minutes, String key) {
        return minutes.stream().mapToLong(m -> ((Number) m.get(key)).longValue()).sum();
    }

    private static String notifyEmail() {
        return api().body("""
                        {"type":"email","to":"stats@example.com","subject":"Stats","message":"count me"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    private static void sql(String update, String id) {
        QuarkusTransaction.requiringNew().run(() -> CDI.current().select(EntityManager.class).get()
                .createNativeQuery(update).setParameter("id", UUID.fromString(id)).executeUpdate());
    }
}
