package io.notiflow.sms;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.testing.WorkerEndpointChecks;
import io.notiflow.core.testing.WorkerTestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator's probes and scrapers see on port 8082, and the heartbeat row the console reads. */
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
        WorkerEndpointChecks.assertAlive();
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

    @Test
    void heartbeatRowDescribesThisWorker() {
        WorkerTestSupport.startFromAHealthyProvider(PROCESSING);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            WorkerInstance row = WorkerTestSupport.heartbeatRow();
            return row != null && row.consuming;
        });
        WorkerInstance row = WorkerTestSupport.heartbeatRow();
        assertThat(row.service).isEqualTo("sms-worker");
        assertThat(row.channel).isEqualTo(Channel.SMS);
        assertThat(row.providerCircuit).isEqualTo("closed");
        assertThat(row.host).isNotBlank();
        assertThat(row.startedAt).isBefore(row.seenAt);
        // It keeps beating (every second in tests).
        OffsetDateTime seen = row.seenAt;
        await().atMost(Duration.ofSeconds(5)).until(() -> WorkerTestSupport.heartbeatRow().seenAt.isAfter(seen));
    }
}
