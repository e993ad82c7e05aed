package io.notiflow.e2e;

import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of {@code n} emails posted to {@code POST /api/notify} from a pool of client threads, paced evenly over
 * {@code spread} (request {@code i} goes out no earlier than {@code i/n} of the way through), each with its own
 * {@code request_id}; subject {@code <prefix><i>}. The fault scenarios (FaultInjectionIT, ClusterFailoverIT) start
 * one, inject their fault once part of it is answered, and reconcile the answers with {@link BurstReconciler}.
 */
final class EmailBurst {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** One POST's answer; {@code status} -1 is no answer at all (the text of the exception in {@code body}). */
    record Post(int index, String subject, int status, String messageId, String contentType, String body,
                long millis) {
        @Override
        public String toString() {
            return subject + " -> " + status + " in " + millis + " ms: " + body;
        }
    }

    private final ServiceProcess api;
    private final String apiKey;
    private final String prefix;
    private final int n;
    private final Duration spread;
    private final ConcurrentLinkedQueue<Post> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final ExecutorService clients;
    private final List<Future<?>> posts = new ArrayList<>();

    EmailBurst(ServiceProcess api, String apiKey, int clientThreads, String prefix, int n, Duration spread) {
        this.api = api;
        this.apiKey = apiKey;
        this.prefix = prefix;
        this.n = n;
        this.spread = spread;
        this.clients = Executors.newFixedThreadPool(clientThreads);
    }

    EmailBurst start() {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int index = i;
            long notBefore = start + spread.toNanos() * i / n;
            posts.add(clients.submit(() -> {
                long wait = notBefore - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                answers.add(post(index));
                answered.incrementAndGet();
                return null;
            }));
        }
        return this;
    }

    int answered() {
        return answered.get();
    }

    void awaitAnswered(int k) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> answered() >= k);
    }

    List<Post> finish() throws Exception {
        try {
            for (Future<?> post : posts) {
                post.get(120, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(answers).hasSize(n);
        return new ArrayList<>(answers);
    }

    private Post post(int i) {
        String subject = prefix + i;
        String json = """
                {"type":"email","to":"%s%d@example.com","subject":"%s","message":"Fault burst %d","request_id":"%s"}"""
                .formatted(prefix.replace("-", ""), i, subject, i, subject + "-request");
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/notify"))
                .header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String id = response.statusCode() == 202 ? JsonPath.from(response.body()).getString("messageId")
                    : null;
            return new Post(i, subject, response.statusCode(), id,
                    response.headers().firstValue("content-type").orElse(""), response.body(),
                    millisBetween(started, System.nanoTime()));
        } catch (IOException e) {
            return new Post(i, subject, -1, null, "", e.toString(), millisBetween(started, System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Post(i, subject, -1, null, "", e.toString(), millisBetween(started, System.nanoTime()));
        }
    }

    static long millisBetween(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
