package io.notiflow.inapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.notiflow.core.job.InappTarget;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.Management;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static io.notiflow.inapp.GatewayTestSupport.attempts;
import static io.notiflow.inapp.GatewayTestSupport.publish;
import static io.notiflow.inapp.GatewayTestSupport.queue;
import static io.notiflow.inapp.GatewayTestSupport.status;
import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.times;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static io.notiflow.inapp.GatewayTestSupport.attemptOutcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
class SocketDeliveryTest {

    private static final Duration QUIET = Duration.ofMillis(1500);

    @TestHTTPResource("/ws")
    URI http;

    private URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void targetedNotificationReachesEverySocketOfItsUserAndNoOneElse() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        try (TestSocket laptop = TestSocket.connect(ws(), token(alice));
             TestSocket phone = TestSocket.connect(ws(), token(alice));
             TestSocket other = TestSocket.connect(ws(), token(bob))) {
            assertThat(laptop.subprotocol()).isEqualTo("bearer-token-carrier");

            Notification row = queue(alice, "Order shipped", "Your order is on its way");

            for (TestSocket socket : List.of(laptop, phone)) {
                JsonNode frame = socket.next();
                assertThat(frame.get("type").asText()).isEqualTo("notification");
                assertThat(frame.get("id").asText()).isEqualTo(row.id.toString());
                assertThat(frame.get("title").asText()).isEqualTo("Order shipped");
                assertThat(frame.get("message").asText()).isEqualTo("Your order is on its way");
                assertThat(frame.get("data").get("link").asText()).isEqualTo("/orders/42");
                assertThat(frame.get("createdAt").asText()).isNotBlank();
            }
            assertThat(other.drain(QUIET)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> status(row.id) == NotificationStatus.SENT);
            assertThat(times(row.id)[0]).isNotNull();
            assertThat(attempts(row.id)).isEqualTo(1);
        }
    }

    @Test
    void roomNotificationReachesOnlyMembersAndBroadcastReachesEveryone() throws Exception {
        String member = user("member");
        String outsider = user("outsider");
        try (TestSocket inRoom = TestSocket.connect(ws(), token(member, "team-7", "ops"));
             TestSocket notInRoom = TestSocket.connect(ws(), token(outsider, "sales"))) {
            Notification roomRow = queue(InappTarget.room("team-7"), "Standup", "Standup in 5 minutes");
            assertThat(inRoom.next().get("id").asText()).isEqualTo(roomRow.id.toString());
            assertThat(notInRoom.drain(QUIET)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> status(roomRow.id) == NotificationStatus.SENT);

            Notification everyone = queue(InappTarget.everyone(), "Maintenance", "Down at 22:00 UTC");
            assertThat(inRoom.next().get("id").asText()).isEqualTo(everyone.id.toString());
            assertThat(notInRoom.next().get("id").asText()).isEqualTo(everyone.id.toString());
        }
    }

    @Test
    void ackMarksDeliveredAndReadMarksReadOnlyForTheOwner() throws Exception {
        String carol = user("carol");
        String mallory = user("mallory");
        try (TestSocket socket = TestSocket.connect(ws(), token(carol));
             TestSocket intruder = TestSocket.connect(ws(), token(mallory))) {
            Notification row = queue(carol, "Hi", "Hello Carol");
            assertThat(socket.next().get("id").asText()).isEqualTo(row.id.toString());
            await().atMost(Duration.ofSeconds(10)).until(() -> status(row.id) == NotificationStatus.SENT);

            intruder.send("ack", row.id);
            intruder.send("read", row.id);
            JsonNode refused = intruder.next();
            assertThat(refused.get("type").asText()).isEqualTo("error");
            assertThat(refused.get("id").asText()).isEqualTo(row.id.toString());
            assertThat(intruder.next().get("type").asText()).isEqualTo("error");
            assertThat(status(row.id)).isEqualTo(NotificationStatus.SENT);

            socket.send("ack", row.id);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(row.id) == NotificationStatus.DELIVERED);
            assertThat(times(row.id)[1]).isNotNull();
            assertThat(times(row.id)[2]).isNull();
            // Hop 1's claim and verdict, and the marks, are timed writes on /q/metrics.
            assertThat(RestAssured.get(Management.url("/q/metrics")).then().statusCode(200).extract().asString())
                    .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"status-claims\"} [1-9]")
                    .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"status-verdicts\"} [1-9]")
                    .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"inapp-status-marks\"} [1-9]")
                    .containsPattern("notiflow_db_write_items_sum\\{writer=\"inapp-status-marks\"} [1-9]");

            socket.send("read", row.id);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(row.id) == NotificationStatus.READ);
            assertThat(times(row.id)[2]).isNotNull();
            assertThat(socket.drain(QUIET)).as("no error frame for the owner").isEmpty();
        }
    }

    @Test
    void offlineUserGetsTheUnreadBacklogNewestFirstOnConnectThenLiveOnes() throws Exception {
        String erin = user("erin");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification oldest = store(erin, "1", "first", now.minusMinutes(3));
        Notification middle = store(erin, "2", "second", now.minusMinutes(2));
        Notification newest = store(erin, "3", "third", now.minusMinutes(1));
        for (Notification row : List.of(oldest, middle, newest)) {
            publish(row);
        }
        // Handed to the gateways while nobody was connected: the rows wait in the inbox as sent, which is what
        // their attempt rows say too; nobody acked them, so not delivered.
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(oldest, middle, newest).stream()
                .allMatch(r -> attempts(r.id) == 1));
        for (Notification row : List.of(oldest, middle, newest)) {
            assertThat(status(row.id)).isEqualTo(NotificationStatus.SENT);
            assertThat(times(row.id)[0]).isNotNull();
            assertThat(times(row.id)[1]).isNull();
            assertThat(attemptOutcomes(row.id)).containsExactly("sent");
        }

        try (TestSocket socket = TestSocket.connect(ws(), token(erin))) {
            assertThat(List.of(socket.next(), socket.next(), socket.next()))
                    .extracting(f -> f.get("id").asText())
                    .containsExactly(newest.id.toString(), middle.id.toString(), oldest.id.toString());
            socket.send("ack", oldest.id);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(oldest.id) == NotificationStatus.DELIVERED);
            socket.send("read", newest.id);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(newest.id) == NotificationStatus.READ);
        }

        try (TestSocket again = TestSocket.connect(ws(), token(erin))) {
            assertThat(List.of(again.next(), again.next())).extracting(f -> f.get("id").asText())
                    .containsExactly(middle.id.toString(), oldest.id.toString());
            Notification live = queue(erin, "4", "live");
            assertThat(again.next().get("id").asText()).isEqualTo(live.id.toString());
            assertThat(again.drain(QUIET)).isEmpty();
        }
    }
}
