package io.notiflow.api;

import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.testing.BrokerProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad-input campaign: thousands of generated malformed, oversized, wrongly typed and injection-laden requests
 * against every api-service endpoint. Each must get a 4xx (never a 5xx; the exact status where a class has one) as
 * a problem document that names no class or package, and nothing may be stored or queued: the rows of notifications, users, templates, accepted_requests, dlq_replays and suppressions and the depth of every
 * work queue are the same before and after.
 * <p>
 * {@code -Dbadinput.tries=N} (default 3000) sets how many requests; {@code -Dbadinput.seed=S} replays a run (the
 * seed is printed). The generator is {@link BadInputs}. See docs/BAD_INPUT.md.
 */
@QuarkusTest
class BadInputCampaignTest {

    private static final int TRIES = Integer.getInteger("badinput.tries", 3_000);
    // A fixed default keeps CI repeatable; -Dbadinput.seed=<n> explores other campaigns.
    private static final long SEED = Long.getLong("badinput.seed", 20261122L);
    private static final int CHECK_EVERY = 500;
    private static final List<String> TABLES = List.of("notifications", "users", "templates", "accepted_requests",
            "dlq_replays", "suppressions");

    @Inject
    EntityManager entityManager;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyBadRequestGetsA4xxAndNothingIsStoredOrQueued() throws Exception {
        // The template the preview cases render (created before the counts are taken).
        api().body("""
                        {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}",
                         "html":"<p>Hello {{name}}</p>"}""".formatted(BadInputs.TEMPLATE_CODE))
                .post("/api/templates").then().statusCode(201);
        // Jobs other tests left unpublished would reach the queues during the run: wait for the outbox to drain.
        await().atMost(Duration.ofSeconds(30)).until(() -> count("notifications WHERE published_at IS NULL") == 0);

        Map<String, Long> before = snapshot();
        BadInputs inputs = new BadInputs(SEED);
        String base = "http://localhost:" + RestAssured.port;

        Map<String, Integer> byClass = new TreeMap<>();
        Map<String, Integer> byEndpoint = new TreeMap<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        long bytesSent = 0;
        int retries = 0;
        Map<String, Long> checkpoint = before;

        for (int i = 1; i <= TRIES; i++) {
            BadInputs.Case c = inputs.next();
            byClass.merge(c.cls(), 1, Integer::sum);
            byEndpoint.merge(c.endpoint(), 1, Integer::sum);
            bytesSent += c.body() == null ? 0 : c.body().length;
            // both configured keys, so the per-key rate limit is not what answers
            String key = ApiTestSupport.API_KEY.equals(c.apiKey()) && i % 2 == 0 ? "second-test-key" : c.apiKey();
            HttpRequest request;
            try {
                request = request(base, c, key);
            } catch (IllegalArgumentException e) {
                // a header or URI the HTTP client itself will not send: nothing reaches the server
                byStatus.merge(0, 1, Integer::sum);
                continue;
            }
            int status;
            String answer;
            String contentType = "";
            try {
                HttpResponse<String> response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (IOException stale) {
                    // the server closed a kept-alive connection after refusing the previous request: send again
                    retries++;
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                }
                status = response.statusCode();
                answer = response.body();
                contentType = response.headers().firstValue("Content-Type").orElse("");
            } catch (IOException e) {
                // The server closing the connection on a request it refuses to read is an answer, not a 5xx.
                status = -1;
                answer = e.toString();
            }
            byStatus.merge(status, 1, Integer::sum);
            // The server may close the connection on an oversized body before the client reads the 413; an odd
            // Accept header (noise) may get its 406 before the defect is looked at.
            boolean closedOnOversized = status == -1 && c.body() != null && c.body().length > BadInputs.MAX_BODY;
            boolean ok = c.readOnly() ? status > 0 && status < 500
                    // a URI or header block too long for the transport is refused before the key is looked at
                    : c.expectStatus() != 0 ? status == c.expectStatus() || status == 414 || status == 431
                    || closedOnOversized || (status == 406 && c.headers().containsKey("Accept"))
                    : (status >= 400 && status < 500) || closedOnOversized;
            // Every error api-service gives is a problem document naming no class or package (414/431 come from
            // the HTTP transport before any of our code runs).
            if (ok && status >= 400 && status != 414 && status != 431) {
                ok = contentType.startsWith("application/problem+json")
                        && !ProblemShapeTest.IMPLEMENTATION_NAME.matcher(answer).find();
            }
            if (!ok && failures.size() < 25) {
                failures.add("#" + i + " got " + status + " (" + contentType + ") " + shorten(answer) + "\n    for "
                        + c.describe());
            }
            if (i % CHECK_EVERY == 0 || i == TRIES) {
                Map<String, Long> now = snapshot();
                if (!now.equals(checkpoint) && failures.size() < 25) {
                    failures.add("requests #" + (i - CHECK_EVERY + 1) + "-#" + i + " changed stored/queued counts: "
                            + checkpoint + " -> " + now);
                }
                checkpoint = now;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        StringBuilder report = new StringBuilder();
        report.append("\n=== bad-input campaign: ").append(TRIES).append(" requests (seed ").append(SEED)
                .append(", -Dbadinput.seed=").append(SEED).append(" to replay) in ")
                .append(String.format("%.1f", seconds)).append(" s, ").append(bytesSent / 1024)
                .append(" KiB of bodies, ").append(retries).append(" resent on a connection the server had closed\n");
        report.append("request classes (").append(byClass.size()).append(" of ").append(inputs.classNames().size())
                .append("): ").append(byClass).append('\n');
        report.append("endpoints (").append(byEndpoint.size()).append("): ").append(byEndpoint).append('\n');
        report.append("value kinds (").append(inputs.valueKinds().size()).append("): ").append(inputs.valueKinds())
                .append('\n');
        report.append("answers by status (0 = refused by the HTTP client, -1 = connection closed): ").append(byStatus)
                .append('\n');
        report.append("stored/queued before: ").append(before).append("\n                after: ")
                .append(snapshot()).append('\n');
        System.out.println(report);

        assertThat(failures).as("requests that got something other than a 4xx, or changed what is stored or queued"
                + " (seed " + SEED + ")").isEmpty();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(byClass.keySet()).containsExactlyInAnyOrderElementsOf(TRIES >= 500 ? inputs.classNames()
                : byClass.keySet());
    }

    private HttpRequest request(String base, BadInputs.Case c, String key) {
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (c.chunked()) {
            byte[] bytes = c.body();
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(c.body());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + c.path()))
                .timeout(Duration.ofSeconds(30))
                .method(c.method(), body);
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        if (c.contentType() != null) {
            builder.header("Content-Type", c.contentType());
        }
        c.headers().forEach(builder::header);
        return builder.build();
    }

    /** Rows of every table a request could write, and the depth of every work queue. */
    private Map<String, Long> snapshot() throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, count(table));
        }
        try (BrokerProbe probe = new BrokerProbe(ApiTestSupport.VHOST)) {
            for (Channel channel : Channel.values()) {
                counts.put(Topology.workQueue(channel), probe.messageCount(Topology.workQueue(channel)));
            }
        }
        return counts;
    }

    private long count(String from) {
        return QuarkusTransaction.requiringNew().call(() ->
                ((Number) entityManager.createNativeQuery("SELECT COUNT(*) FROM " + from).getSingleResult())
                        .longValue());
    }

    private static String shorten(String text) {
        String oneLine = text == null ? "" : text.replace("\n", " ");
        return new String(oneLine.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).length() > 300
                ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
