package io.notiflow.inapp;

import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.Management;
import io.notiflow.inapp.service.InboxService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.notiflow.inapp.GatewayTestSupport.status;
import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.times;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

/** Batches of the clients' acks, against the real database. */
@QuarkusTest
class StatusMarksTest {

    @Inject
    InboxService inbox;

    @Test
    void livenessWatchesTheStatusMarksWriter() {
        String body = RestAssured.get(Management.url("/q/health/live")).then().statusCode(200).extract().asString();
        JsonPath health = JsonPath.from(body);
        assertThat(health.getString("status")).isEqualTo("UP");
        Map<String, Object> data = health.getMap("checks.find { it.name == 'database-writers' }.data");
        assertThat(data).as("database-writers data in %s", body).isNotNull();
        assertThat((String) data.get("writers")).contains("inapp-status-marks");
        assertThat(((Number) data.get("longestWriteMs")).longValue())
                .isLessThan(((Number) data.get("stuckAfterMs")).longValue());
    }

    @Test
    void oneBatchOfAcksMovesEachOwnersRowToDelivered() {
        String ada = user("ada");
        String bea = user("bea");
        Notification adas = store(ada, "Ada's", "for ada");
        Notification beas = store(bea, "Bea's", "for bea");
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        inbox.mark(List.of(ack(ada, adas.id, unknown), ack(bea, beas.id, unknown)));

        assertThat(status(adas.id)).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(status(beas.id)).isEqualTo(NotificationStatus.DELIVERED);
        Instant[] t = times(adas.id);
        assertThat(t[0]).as("an ack that overtook hop 1 still says when it was sent").isNotNull().isEqualTo(t[1]);
        assertThat(unknown).isEmpty();
    }

    @Test
    void anAckOfAnotherUsersRowChangesNothingAndIsReportedAfterTheBatch() {
        String ada = user("ada");
        String eve = user("eve");
        Notification row = store(ada, "Private", "for ada");
        Notification missing = new Notification();
        missing.id = UUID.randomUUID();
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        inbox.mark(List.of(ack(eve, row.id, unknown), ack(eve, missing.id, unknown)));

        assertThat(status(row.id)).isEqualTo(NotificationStatus.QUEUED);
        assertThat(unknown).containsExactlyInAnyOrder(row.id, missing.id);
    }

    @Test
    void anAckOfARowThatIsFurtherAlongIsFineAndChangesNothing() {
        String ada = user("ada");
        Notification row = store(ada, "Twice", "acked twice");
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        inbox.mark(List.of(ack(ada, row.id, unknown)));
        Instant delivered = times(row.id)[1];
        inbox.mark(List.of(ack(ada, row.id, unknown)));

        assertThat(status(row.id)).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(times(row.id)[1]).isEqualTo(delivered);
        assertThat(unknown).isEmpty();
    }

    private static InboxService.Ack ack(String user, UUID id, List<UUID> unknown) {
        return new InboxService.Ack(user, id, () -> unknown.add(id));
    }
}
