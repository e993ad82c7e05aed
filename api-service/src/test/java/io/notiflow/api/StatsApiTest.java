package io.notiflow.api;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.store.WorkerInstanceRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    @Test
    void showsEachChannelsWorkersWithTheirCircuitAndWhichAreLive() {
        UUID live = UUID.randomUUID();
        UUID silent = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        beat(live, Channel.SMS, "open", now.minusSeconds(2));
        beat(silent, Channel.PUSH, "closed", now.minus(WorkerInstanceRepository.LIVE).minusSeconds(5));
        try {
            JsonPath stats = stats();
            assertThat(stats.getList("workers.channel")).containsExactly("email", "sms", "push", "inapp");

            Map<String, Object> sms = instance(stats, "sms", live);
            assertThat(sms).containsEntry("service", "sms-worker").containsEntry("host", "worker-host")
                    .containsEntry("providerCircuit", "open").containsEntry("consuming", true)
                    .containsEntry("live", true).containsKeys("startedAt", "seenAt");
            assertThat(stats.getLong("workers.find { it.channel == 'sms' }.live")).isGreaterThanOrEqualTo(1);

            // A worker that stopped beating is still listed, as not live, and does not count.
            assertThat(instance(stats, "push", silent)).containsEntry("live", false)
                    .containsEntry("providerCircuit", "closed");
            long livePush = stats.getList("workers.find { it.channel == 'push' }.instances", Map.class).stream()
                    .filter(i -> Boolean.TRUE.equals(i.get("live"))).count();
            assertThat(stats.getLong("workers.find { it.channel == 'push' }.live")).isEqualTo(livePush);
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                instances().deleteById(live);
                instances().deleteById(silent);
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> instance(JsonPath stats, String channel, UUID id) {
        List<Map<String, Object>> instances = stats.getList("workers.find { it.channel == '" + channel
                + "' }.instances");
        return instances.stream().filter(i -> id.toString().equals(i.get("instance"))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not among the " + channel + " workers: " + instances));
    }

    /** The row a worker's heartbeat writes (WorkerHeartbeat), through the same repository. */
    private static void beat(UUID id, Channel channel, String circuit, OffsetDateTime seenAt) {
        WorkerInstance row = new WorkerInstance();
        row.id = id;
        row.service = channel.key() + "-worker";
        row.channel = channel;
        row.host = "worker-host";
        row.providerCircuit = circuit;
        row.consuming = true;
        row.startedAt = seenAt.minusMinutes(1);
        row.seenAt = seenAt;
        QuarkusTransaction.requiringNew().run(() -> instances().beat(row));
    }

    private static WorkerInstanceRepository instances() {
        return CDI.current().select(WorkerInstanceRepository.class).get();
    }
}
