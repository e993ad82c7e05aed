package io.notiflow.inapp;

import io.notiflow.core.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer of the clients' acks (delivery-core's InboxStore) runs from the gateway's start, under the writers'
 * liveness check. Its batches are tested against the database in delivery-core (InboxAcksTest), and the acks of real
 * sockets in SocketDeliveryTest and SocketFramesTest.
 */
@QuarkusTest
class StatusMarksTest {

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
}
