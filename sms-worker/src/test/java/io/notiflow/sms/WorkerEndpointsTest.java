package io.notiflow.sms;

import io.notiflow.core.status.NotificationStatus;
import io.notiflow.core.testing.WorkerEndpointChecks;
import io.notiflow.core.testing.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

/** What an operator's probes and scrapers see on port 8082. */
@QuarkusTest
class WorkerEndpointsTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);

    @InjectTwilioFake
    TwilioFake twilio;

    private final TestNotifications notifications = new TestNotifications();

    @Test
    void readinessIsUpWithBrokerDatabaseAndWorkerChecks() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);

        WorkerEndpointChecks.assertReady("sms");
    }

    @Test
    void metricsCountDeliveriesByOutcome() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);
        String to = TwilioFake.uniqueNumber();
        twilio.accepts(to, "SM00000000000000000000000000000003");
        UUID id = notifications.queue(to).id;
        notifications.awaitStatus(id, NotificationStatus.SENT, PROCESSING);

        WorkerEndpointChecks.assertMetrics("sms");
    }
}
