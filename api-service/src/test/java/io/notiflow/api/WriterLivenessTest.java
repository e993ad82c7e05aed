package io.notiflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database writer of api-service held inside one write by a table lock the test holds on the real database (the
 * accept writer's INSERT, the outbox relay's pass): liveness goes DOWN naming that writer once the write has run
 * {@code writers.stuck-after} (1 s here), and UP again once the lock goes.
 */
@QuarkusTest
@TestProfile(WriterLivenessTest.StuckAfterOneSecond.class)
class WriterLivenessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL =
            "{\"type\":\"email\",\"to\":\"held@example.com\",\"subject\":\"Held\",\"message\":\"held\"}";

    @Inject
    DataSource database;

    @Test
    void anAcceptWriterStuckInOneWriteTurnsLivenessDownUntilItsWriteEnds() throws Exception {
        String first = api().body(EMAIL).post("/api/notify").then().statusCode(202).extract().path("messageId");
        // The relay has stamped it: only the accept writer meets the lock below.
        await().atMost(Duration.ofSeconds(15)).until(() -> row(first).orElseThrow().publishedAt != null);
        JsonNode idle = writersCheck(200);
        assertThat(idle.path("status").asText()).isEqualTo("UP");
        assertThat(idle.path("data").path("writers").asText()).contains("accept-writer", "outbox-relay");

        CompletableFuture<Integer> held;
        try (Connection lock = database.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("lock table notifications in share mode"); // INSERTs wait until this transaction ends
            }
            held = CompletableFuture.supplyAsync(WriterLivenessTest::accept);

            JsonNode stuck = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> writersCheck(null), check -> "DOWN".equals(check.path("status").asText()));
            JsonNode data = stuck.path("data");
            assertThat(data.path("longestWriter").asText()).isEqualTo("accept-writer");
            assertThat(data.path("longestWriteMs").asLong()).isGreaterThanOrEqualTo(1000);
            assertThat(data.path("stuckAfterMs").asLong()).isEqualTo(1000);
            assertThat(held).as("the accept waits for its commit").isNotDone();

            lock.rollback();
        }

        assertThat(held.get(30, TimeUnit.SECONDS)).as("the held accept commits once the lock is gone").isEqualTo(202);
        JsonNode after = writersCheck(200);
        assertThat(after.path("status").asText()).isEqualTo("UP");
        assertThat(after.path("data").path("longestWriteMs").asLong()).isLessThan(1000);
    }

    @Test
    void anOutboxRelayStuckInOnePassTurnsLivenessDownUntilThePassEnds() throws Exception {
        try (Connection lock = database.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("lock table notifications in access exclusive mode"); // the relay's next sweep waits
            }
            JsonNode stuck = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> writersCheck(null), check -> "DOWN".equals(check.path("status").asText()));
            assertThat(stuck.path("data").path("longestWriter").asText()).isEqualTo("outbox-relay");
            assertThat(stuck.path("data").path("longestWriteMs").asLong()).isGreaterThanOrEqualTo(1000);
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> "UP".equals(writersCheck(200).path("status").asText()));
    }

    private static int accept() {
        return api().body(EMAIL).post("/api/notify").statusCode();
    }

    /** The database-writers check of /q/health/live, whose answer must be {@code status} when that is not null. */
    private static JsonNode writersCheck(Integer status) throws Exception {
        Response response = RestAssured.get(Management.url("/q/health/live"));
        if (status != null) {
            assertThat(response.statusCode()).as("GET /q/health/live: %s", response.asString()).isEqualTo(status);
        }
        for (JsonNode check : JSON.readTree(response.asString()).path("checks")) {
            if ("database-writers".equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no database-writers check in " + response.asString());
    }

    public static class StuckAfterOneSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("writers.stuck-after", "1s");
        }
    }
}
