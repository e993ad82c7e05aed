package io.notiflow.inapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.InappTarget;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.enterprise.inject.spi.CDI;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.notiflow.inapp.GatewayTestSupport.queue;
import static io.notiflow.inapp.GatewayTestSupport.status;
import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** A user, a room and everyone are distinct kinds of target: no user id, however spelled, reaches the others. */
@QuarkusTest
class TargetIsolationTest {

    private static final Duration QUIET = Duration.ofMillis(1500);

    @TestHTTPResource("/ws")
    URI http;

    private URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void aUserIdSpelledLikeARoomOrEveryoneReachesOnlyThatUser() throws Exception {
        String room = "r-" + UUID.randomUUID().toString().substring(0, 8);
        String roomLike = "room:" + room;
        String shouting = "ROOM:" + room;
        String broadcastLike = "broadcast";
        try (TestSocket member = TestSocket.connect(ws(), token(user("member"), room));
             TestSocket roomUser = TestSocket.connect(ws(), token(roomLike));
             TestSocket shoutingUser = TestSocket.connect(ws(), token(shouting));
             TestSocket broadcastUser = TestSocket.connect(ws(), token(broadcastLike))) {
            Notification toRoomLike = queue(InappTarget.user(roomLike), "1", "for the user named room:x");
            assertThat(roomUser.next().get("id").asText()).isEqualTo(toRoomLike.id.toString());
            Notification toBroadcastLike = queue(InappTarget.user(broadcastLike), "2", "for the user named broadcast");
            assertThat(broadcastUser.next().get("id").asText()).isEqualTo(toBroadcastLike.id.toString());

            assertThat(member.drain(QUIET)).as("a room member gets neither").isEmpty();
            assertThat(shoutingUser.drain(Duration.ZERO)).isEmpty();
            assertThat(roomUser.drain(Duration.ZERO)).as("nor does the room-like user get the other").isEmpty();

            // The room itself reaches its member only, not the user spelled like it.
            Notification toRoom = queue(InappTarget.room(room), "3", "for the room");
            assertThat(member.next().get("id").asText()).isEqualTo(toRoom.id.toString());
            assertThat(roomUser.drain(QUIET)).isEmpty();
            assertThat(shoutingUser.drain(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void aTokenForAUserNamedLikeARoomCannotReadOrChangeTheRoomsOrEveryonesRows() throws Exception {
        String room = "r-" + UUID.randomUUID().toString().substring(0, 8);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification roomRow = store(InappTarget.room(room), "Room", "for the room", now);
        Notification everyoneRow = store(InappTarget.everyone(), "All", "for everyone", now);
        List<String> impostors = List.of("room:" + room, room, "broadcast", "*", "everyone");

        List<String> notTheirs = List.of(roomRow.id.toString(), everyoneRow.id.toString());
        for (String impostor : impostors) {
            String token = token(impostor, room);
            RestAssured.given().auth().oauth2(token).get("/api/inbox").then().statusCode(200)
                    .body("items.id", not(hasItem(roomRow.id.toString())))
                    .body("items.id", not(hasItem(everyoneRow.id.toString())));
            for (Notification row : List.of(roomRow, everyoneRow)) {
                RestAssured.given().auth().oauth2(token).post("/api/inbox/" + row.id + "/read").then()
                        .statusCode(404);
            }
            RestAssured.given().auth().oauth2(token).post("/api/inbox/read-all").then().statusCode(200);
            try (TestSocket socket = TestSocket.connect(ws(), token)) {
                assertThat(socket.drain(QUIET)).as("no backlog of room or everyone rows for %s", impostor)
                        .extracting(f -> f.get("id").asText()).doesNotContainAnyElementsOf(notTheirs);
                for (Notification row : List.of(roomRow, everyoneRow)) {
                    socket.send("ack", row.id);
                    JsonNode refused = socket.next();
                    assertThat(refused.get("type").asText()).isEqualTo("error");
                    assertThat(refused.get("id").asText()).isEqualTo(row.id.toString());
                    socket.send("read", row.id);
                    assertThat(socket.next().get("type").asText()).isEqualTo("error");
                }
            }
        }
        assertThat(status(roomRow.id)).isEqualTo(NotificationStatus.QUEUED);
        assertThat(status(everyoneRow.id)).isEqualTo(NotificationStatus.QUEUED);
    }

    @Test
    void aJobFromBeforeTypedTargetsTakesItsTargetFromItsRow() throws Exception {
        String room = "r-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestSocket member = TestSocket.connect(ws(), token(user("member"), room));
             TestSocket roomLike = TestSocket.connect(ws(), token("room:" + room))) {
            Notification row = store(InappTarget.room(room), "Old", "queued before the upgrade",
                    OffsetDateTime.now(ZoneOffset.UTC));
            DeliveryJob typed = row.toJob();
            // The envelope as it was: the receiver spelled 'room:<name>', no target kind, no accept time.
            DeliveryJob old = new DeliveryJob(typed.notificationId(), typed.channel(), "room:" + room, null,
                    typed.title(), typed.message(), null, typed.data(), typed.correlationId(), null, null);
            CDI.current().select(JobPublisher.class).get().publishNew(old);

            assertThat(member.next().get("id").asText()).isEqualTo(row.id.toString());
            assertThat(roomLike.drain(QUIET)).isEmpty();
        }
    }

    @Test
    void roomAndEveryoneRowsGoSentWhenFannedOutAndNeverIntoAnInbox() {
        String room = "r-" + UUID.randomUUID().toString().substring(0, 8);
        Notification roomRow = queue(InappTarget.room(room), "Room", "nobody is connected");
        await().atMost(Duration.ofSeconds(10)).until(() -> status(roomRow.id) == NotificationStatus.SENT);
        RestAssured.given().auth().oauth2(token(user("member"), room)).get("/api/inbox").then().statusCode(200)
                .body("items", hasSize(0));
    }
}
