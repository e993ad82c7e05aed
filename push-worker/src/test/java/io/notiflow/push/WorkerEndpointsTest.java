package io.notiflow.push;

import io.notiflow.core.status.NotificationStatus;
import io.notiflow.core.worker.DeliveryWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** What an operator's probes and scrapers see on port 8083. */
@QuarkusTest
class WorkerEndpointsTest {

    @Inject
    DeliveryWorker worker;

    @Inject
    TestNotifications notifications;

    @Inject
    CircuitBreakerMaintenance breakers;

    @InjectFcmFake
    FcmFake fcm;

    @Test
    void readinessIsUpWithBrokerDatabaseAndWorkerChecks() {
        breakers.resetAll();
        await().atMost(Duration.ofSeconds(30)).until(worker::isConsuming);

        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("rabbitmq", "delivery-worker", "Database connections health check"))
                .body("checks.find { it.name == 'delivery-worker' }.data.channel", is("push"))
                .body("checks.find { it.name == 'delivery-worker' }.data.consuming", is(true))
                .body("checks.find { it.name == 'delivery-worker' }.data.providerCircuit", is("closed"));
    }

    @Test
    void metricsCountDeliveriesByOutcome() {
        breakers.resetAll();
        await().atMost(Duration.ofSeconds(30)).until(worker::isConsuming);
        String token = TestNotifications.uniqueToken();
        fcm.accept(token);
        UUID id = notifications.queue(token).id;
        await().atMost(Duration.ofSeconds(30)).until(() -> notifications.row(id).status == NotificationStatus.SENT);

        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("notiflow_deliveries_total{channel=\"push\",outcome=\"sent\"}"))
                .body(containsString("notiflow_delivery_attempt_seconds_count{channel=\"push\",outcome=\"sent\"}"));
    }
}
