package io.notiflow.api;

import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.Management;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What operators see: metrics on /q/metrics and one trace from the HTTP request into the job's AMQP headers. */
@QuarkusTest
class ObservabilityTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void countsAcceptedNotificationsAndExportsEveryQueueDepth() {
        accept("""
                {"type":"email","to":"metrics@example.com","subject":"Hi","message":"Hello"}""");

        String metrics = scrape();
        assertThat(metrics).containsPattern("notiflow_notifications_accepted_total\\{type=\"email\"} [1-9]");
        for (String channel : List.of("email", "sms", "push", "inapp")) {
            assertThat(metrics).contains("notiflow_queue_depth{queue=\"notifications." + channel + "\"}")
                    .contains("notiflow_queue_depth{queue=\"notifications." + channel + ".dlq\"}");
        }
        // Counts come from the broker in the background; a scrape never waits for them. (A DLQ reads NaN until a
        // worker of its channel has declared it.)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(scrape()).containsPattern("notiflow_queue_depth\\{queue=\"notifications.email\"} [0-9]"));
    }

    @Test
    void timesTheDatabaseWritersAndCountsWhatEachWriteCarried() {
        accept("""
                {"type":"email","to":"writers@example.com","subject":"Hi","message":"Hello"}""");

        // The accept's group commit is over before the 202; the outbox pass that publishes the row follows it.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(scrape())
                        .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"accept-writer\"} [1-9]")
                        .containsPattern("notiflow_db_writes_seconds_sum\\{writer=\"accept-writer\"} [0-9.E-]+")
                        .containsPattern("notiflow_db_write_items_sum\\{writer=\"accept-writer\"} [1-9]")
                        .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"outbox-relay\"} [1-9]")
                        .containsPattern("notiflow_db_write_items_sum\\{writer=\"outbox-relay\"} [1-9]"));
    }

    @Test
    void oneTraceRunsFromTheHttpRequestIntoTheJobHeaders() throws Exception {
        String id = accept("""
                {"type":"email","to":"trace@example.com","subject":"Hi","message":"Hello"}""");

        BrokerProbe.Taken job = NotifyApiTest.awaitJobs("notifications.email", id, 1).get(0);
        String traceparent = job.headers().get("traceparent");
        assertThat(traceparent).as("traceparent header of the job").isNotNull();
        Matcher parsed = TRACEPARENT.matcher(traceparent);
        assertThat(parsed.matches()).as(traceparent).isTrue();
        String traceId = parsed.group(1);
        String publishSpanId = parsed.group(2);

        SpanData server = awaitSpan(traceId, SpanKind.SERVER);
        assertThat(server.getName()).contains("/api/notify");
        SpanData publish = awaitSpan(traceId, SpanKind.PRODUCER);
        assertThat(publish.getSpanId()).isEqualTo(publishSpanId);
        assertThat(publish.getParentSpanId()).as("the relay's publish continues the request's span")
                .isEqualTo(server.getSpanId());
        assertThat(publish.getAttributes().asMap().toString()).contains(id);
    }

    private SpanData awaitSpan(String traceId, SpanKind kind) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == kind).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private static String accept(String body) {
        return api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    private static String scrape() {
        return RestAssured.get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
    }
}
