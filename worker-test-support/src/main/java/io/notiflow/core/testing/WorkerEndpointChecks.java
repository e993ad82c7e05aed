package io.notiflow.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator's probes and scrapers see on a channel worker's management interface, checked the same way for
 * every channel. Call from the worker's own {@code @QuarkusTest}: the address is the running test application's
 * ({@code test.management.url}).
 */
public final class WorkerEndpointChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerEndpointChecks() {
    }

    /**
     * {@code /q/health/ready} answers 200, UP, with the rabbitmq, delivery-worker and database checks, and the
     * delivery-worker check reports {@code channel}, consuming and a closed provider circuit.
     */
    public static void assertReady(String channel) {
        HttpResponse<String> response = get("/q/health/ready");
        assertThat(response.statusCode()).as("GET /q/health/ready: %s", response.body()).isEqualTo(200);
        JsonNode health = parse(response.body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        List<String> names = new ArrayList<>();
        JsonNode worker = null;
        for (JsonNode check : health.path("checks")) {
            names.add(check.path("name").asText());
            if ("delivery-worker".equals(check.path("name").asText())) {
                worker = check;
            }
        }
        assertThat(names).contains("rabbitmq", "delivery-worker", "database");
        JsonNode data = worker.path("data");
        assertThat(data.path("channel").isTextual()).isTrue();
        assertThat(data.path("channel").asText()).isEqualTo(channel);
        assertThat(data.path("consuming").isBoolean()).isTrue();
        assertThat(data.path("consuming").asBoolean()).isTrue();
        assertThat(data.path("providerCircuit").asText()).isEqualTo("closed");
    }

    /**
     * {@code /q/health/live} answers 200, UP, with the database-writers check reporting how long the longest write in
     * progress has run (a number, below the limit it reports).
     */
    public static void assertAlive() {
        HttpResponse<String> response = get("/q/health/live");
        assertThat(response.statusCode()).as("GET /q/health/live: %s", response.body()).isEqualTo(200);
        JsonNode health = parse(response.body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode writers = null;
        for (JsonNode check : health.path("checks")) {
            if ("database-writers".equals(check.path("name").asText())) {
                writers = check;
            }
        }
        assertThat(writers).as("a database-writers check in %s", response.body()).isNotNull();
        assertThat(writers.path("status").asText()).isEqualTo("UP");
        JsonNode data = writers.path("data");
        assertThat(data.path("longestWriteMs").isNumber()).as("longestWriteMs in %s", data).isTrue();
        assertThat(data.path("longestWriteMs").asLong()).isLessThan(data.path("stuckAfterMs").asLong());
    }

    /**
     * {@code /q/metrics} answers 200, counts and times sent deliveries of {@code channel} (attempt and accepted-to-sent
     * histograms), has a depth gauge for its work queue, first retry step and DLQ, and SmallRye Fault Tolerance's
     * circuit-breaker state, and the timer of its claims' and verdicts' writes.
     */
    public static void assertMetrics(String channel) {
        HttpResponse<String> response = get("/q/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        String queue = "notifications." + channel;
        assertThat(response.body())
                .contains("notiflow_deliveries_total{channel=\"" + channel + "\",outcome=\"sent\"}")
                .contains("notiflow_delivery_attempt_seconds_count{channel=\"" + channel + "\",outcome=\"sent\"}")
                .contains("notiflow_delivery_attempt_seconds_bucket{channel=\"" + channel + "\",outcome=\"sent\",le=")
                .contains("notiflow_delivery_latency_seconds_bucket{channel=\"" + channel + "\",le=")
                .contains("notiflow_delivery_latency_seconds_count{channel=\"" + channel + "\"}")
                .contains("notiflow_queue_depth{queue=\"" + queue + "\"}")
                .contains("notiflow_queue_depth{queue=\"" + queue + ".retry.1\"}")
                .contains("notiflow_queue_depth{queue=\"" + queue + ".dlq\"}")
                .containsPattern("ft_circuitbreaker_state_current\\{[^}]*state=\"closed\"[^}]*} 1\\.0")
                // the delivery's claim and verdict, each a group commit
                .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"status-claims\"} [1-9]")
                .containsPattern("notiflow_db_write_items_sum\\{writer=\"status-claims\"} [1-9]")
                .containsPattern("notiflow_db_writes_seconds_count\\{writer=\"status-verdicts\"} [1-9]")
                .containsPattern("notiflow_db_write_items_sum\\{writer=\"status-verdicts\"} [1-9]");
    }

    private static HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(Management.url(path)))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
