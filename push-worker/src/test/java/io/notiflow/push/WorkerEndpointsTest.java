package io.notiflow.push;

import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.WorkerEndpointChecks;
import io.notiflow.core.testing.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

/** What an operator's probes and scrapers see on port 8083. */
@QuarkusTest
class WorkerEndpointsTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);

    @InjectFcmFake
    FcmFake fcm;

    private final TestNotifications notifications = new TestNotifications();

    @Test
    void readinessIsUpWithBrokerDatabaseAndWorkerChecks() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);

        WorkerEndpointChecks.assertReady("push");
        WorkerEndpointChecks.assertAlive();
    }

    @Test
    void metricsCountDeliveriesByOutcome() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);
        String token = TestNotifications.uniqueToken();
        fcm.accept(token);
        UUID id = notifications.queue(token).id;
        notifications.awaitStatus(id, NotificationStatus.SENT, PROCESSING);

        WorkerEndpointChecks.assertMetrics("push");
    }
}
