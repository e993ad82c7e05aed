package io.notiflow.email;

import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.WorkerEndpointChecks;
import io.notiflow.core.testing.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

/** What an operator's probes and scrapers see on port 8081. */
@QuarkusTest
class WorkerEndpointsTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);

    private final TestNotifications notifications = new TestNotifications();

    @Test
    void readinessIsUpWithBrokerDatabaseAndWorkerChecks() {
        WorkerTestSupport.awaitConsuming(PROCESSING);

        WorkerEndpointChecks.assertReady("email");
        WorkerEndpointChecks.assertAlive();
    }

    @Test
    void metricsCountDeliveriesByOutcome() {
        WorkerTestSupport.awaitConsuming(PROCESSING);
        UUID id = notifications.queue(TestNotifications.uniqueAddress()).id;
        notifications.awaitStatus(id, NotificationStatus.SENT, PROCESSING);

        WorkerEndpointChecks.assertMetrics("email");
    }
}
