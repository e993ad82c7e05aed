package io.notiflow.email;

import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.WorkerTestSupport;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker continues the trace its job carries: publish → CONSUMER span → the SMTP send inside it. */
@QuarkusTest
class DeliveryTracingTest {

    private static final Duration PROCESSING = Duration.ofSeconds(30);
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String REQUEST_SPAN_ID = "00f067aa0ba902b7";

    @Inject
    InMemorySpanExporter spans;

    private final TestNotifications notifications = new TestNotifications();

    @Test
    void theDeliveryIsAConsumerSpanInTheTraceTheJobCarries() {
        WorkerTestSupport.awaitConsuming(PROCESSING);
        // As api-service stores it: the span of the request that accepted the notification.
        UUID id = notifications.queueTraced(TestNotifications.uniqueAddress(),
                "00-" + TRACE_ID + "-" + REQUEST_SPAN_ID + "-01").id;
        notifications.awaitStatus(id, NotificationStatus.SENT, PROCESSING);

        SpanData publish = awaitSpan(SpanKind.PRODUCER);
        assertThat(publish.getParentSpanId()).isEqualTo(REQUEST_SPAN_ID);
        SpanData consume = awaitSpan(SpanKind.CONSUMER);
        assertThat(consume.getName()).isEqualTo("notifications.email process");
        assertThat(consume.getParentSpanId()).as("the CONSUMER span's parent is the context in the AMQP headers")
                .isEqualTo(publish.getSpanId());
        assertThat(consume.getAttributes().asMap().toString()).contains(id.toString());
        SpanData send = awaitSpan(SpanKind.CLIENT);
        assertThat(send.getName()).isEqualTo("email send");
        assertThat(send.getParentSpanId()).isEqualTo(consume.getSpanId());
    }

    private SpanData awaitSpan(SpanKind kind) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(TRACE_ID) && s.getKind() == kind).findFirst(), Optional::isPresent)
                .orElseThrow();
    }
}
