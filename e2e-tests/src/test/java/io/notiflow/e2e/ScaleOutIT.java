package io.notiflow.e2e;

import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.LocalServices;
import io.notiflow.core.testing.TcpProxy;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Horizontal scaling and the operator's view of an outage: <b>two</b> api-service and <b>two</b> email-worker
 * processes (packaged jars) against one PostgreSQL database ({@value #DATABASE}) and one RabbitMQ vhost
 * ({@value #VHOST}), both re-created per run, and one GreenMail.
 * <p>
 * Worker 1 reaches the broker through a {@link TcpProxy} and api-service 1 reaches PostgreSQL through another, so
 * a test can take the broker or the database away from that one process while the shared servers, and the other
 * instances, keep running. Each worker reaches GreenMail through a {@link SlowLink}, which can slow its SMTP
 * replies down so deliveries are still in flight when a worker is stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ThreadDumpOnFailure.class)
class ScaleOutIT {

    static final String DATABASE = "notiflow_test_e2e_scale";
    static final String VHOST = "notiflow-test-e2e-scale";
    static final String API_KEY = "e2e-scale-key";
    static final int WORKER_CONCURRENCY = 4;
    static final String EMAIL_QUEUE = "notifications.email";
    static final String SENT_LINE = "sent over email";
    static final String DUPLICATE_LINE = "redelivered job acknowledged without sending";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    private static SmtpSink smtp;
    private static SlowLink smtpLink1;
    private static SlowLink smtpLink2;
    private static TcpProxy brokerLink1;
    private static TcpProxy databaseLink1;
    private static ServiceProcess api1;
    private static ServiceProcess api2;
    private static ServiceProcess worker1;
    private static ServiceProcess worker2;

    @BeforeAll
    static void startPlatform() throws Exception {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        smtp = new SmtpSink();
        smtp.up();
        smtpLink1 = new SlowLink(SmtpSink.HOST, smtp.port());
        smtpLink2 = new SlowLink(SmtpSink.HOST, smtp.port());
        brokerLink1 = new TcpProxy(LocalServices.RABBIT_HOST, LocalServices.RABBIT_PORT);
        databaseLink1 = new TcpProxy(LocalServices.PG_HOST, LocalServices.PG_PORT);

        api1 = new ServiceProcess("scale-api-service-1", "e2e.api-service.jar",
                apiEnv("jdbc:postgresql://127.0.0.1:" + databaseLink1.port() + "/" + DATABASE)).freshLog();
        api2 = new ServiceProcess("scale-api-service-2", "e2e.api-service.jar",
                apiEnv(LocalServices.jdbcUrl(DATABASE))).freshLog();
        worker1 = new ServiceProcess("scale-email-worker-1", "e2e.email-worker.jar",
                workerEnv(brokerLink1.port(), smtpLink1.port())).freshLog();
        worker2 = new ServiceProcess("scale-email-worker-2", "e2e.email-worker.jar",
                workerEnv(LocalServices.RABBIT_PORT, smtpLink2.port())).freshLog();

        // api-service 2 first: it applies the migrations the others find (or validate) at start.
        api2.start();
        ExecutorService starters = Executors.newFixedThreadPool(3);
        try {
            List<Future<ServiceProcess>> started = List.of(starters.submit(api1::start),
                    starters.submit(worker1::start), starters.submit(worker2::start));
            for (Future<ServiceProcess> start : started) {
                start.get(150, TimeUnit.SECONDS);
            }
        } finally {
            starters.shutdownNow();
        }
    }

    private static Map<String, String> apiEnv(String jdbcUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER);
        env.put("RABBITMQ_HOST", LocalServices.RABBIT_HOST);
        env.put("RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT));
        env.put("RABBITMQ_VIRTUAL_HOST", VHOST);
        env.put("API_KEYS", API_KEY);
        return env;
    }

    private static Map<String, String> workerEnv(int rabbitPort, int smtpPort) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER);
        env.put("RABBITMQ_HOST", "127.0.0.1");
        env.put("RABBITMQ_PORT", String.valueOf(rabbitPort));
        env.put("RABBITMQ_VIRTUAL_HOST", VHOST);
        env.put("SMTP_HOST", SmtpSink.HOST);
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_STARTTLS", "DISABLED");
        env.put("RETRY_DELAYS", "1s,2s,3s");
        env.put("WORKER_CONCURRENCY", String.valueOf(WORKER_CONCURRENCY));
        return env;
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        ExecutorService stoppers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> stopped = new ArrayList<>();
            for (ServiceProcess service : new ServiceProcess[] {worker1, worker2, api1, api2}) {
                if (service != null) {
                    stopped.add(stoppers.submit(service::stop));
                }
            }
            for (Future<?> stop : stopped) {
                stop.get(90, TimeUnit.SECONDS);
            }
        } finally {
            stoppers.shutdownNow();
            for (AutoCloseable link : new AutoCloseable[] {brokerLink1, databaseLink1, smtpLink1, smtpLink2, smtp}) {
                if (link != null) {
                    link.close();
                }
            }
        }
    }

    /**
     * 400 emails posted from 8 client threads, alternately to each api-service: both relays publish from the same
     * outbox, both workers compete for the same queue. Every email arrives once, every row has one successful
     * attempt, both workers took a share, and no job reached a worker twice (a row the relays published twice
     * would show up as a second send or as a worker skipping an already-sent row).
     */
    @Test
    @Order(1)
    void twoApisAndTwoWorkersShareABurstWithoutRepeatingAnything() throws Exception {
        int burst = 400;
        long started = System.nanoTime();
        Map<String, String> idBySubject = postBurst("scale-", burst, 8);
        long acceptedMillis = millisSince(started);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                count("SELECT COUNT(*) FROM notifications WHERE subject LIKE 'scale-%' AND status = 'sent'") == burst);
        long sentMillis = millisSince(started);

        Map<String, Long> received = smtp.arrivalsBySubject("scale-");
        Set<String> lost = new HashSet<>(idBySubject.keySet());
        lost.removeAll(received.keySet());
        long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
        // The workers count a send just after writing the row; give the last counter a moment.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                deliveries(worker1, "sent") + deliveries(worker2, "sent") >= burst);
        double sent1 = deliveries(worker1, "sent");
        double sent2 = deliveries(worker2, "sent");
        double skipped = deliveries(worker1, "duplicate-skipped") + deliveries(worker2, "duplicate-skipped");
        System.out.printf("[e2e] scale-out: %d emails accepted by 2 APIs in %d ms, all sent after %d ms; worker 1 sent"
                        + " %.0f, worker 2 sent %.0f; %d distinct received, %d lost, %d duplicates, %.0f redelivered"
                        + " jobs skipped%n", burst, acceptedMillis, sentMillis, sent1, sent2, received.size(),
                lost.size(), duplicates, skipped);

        assertThat(lost).as("accepted but never delivered").isEmpty();
        assertThat(received).as("each email arrives exactly once").hasSize(burst)
                .allSatisfy((subject, n) -> assertThat(n).as(subject).isEqualTo(1L));
        for (SmtpSink.Arrival arrival : smtp.arrivals("scale-")) {
            assertThat(arrival.messageId()).isEqualTo("<" + idBySubject.get(arrival.subject()) + "@notiflow>");
        }
        assertThat(count("""
                SELECT COUNT(*) FROM notifications n WHERE n.subject LIKE 'scale-%'
                  AND (SELECT COUNT(*) FROM delivery_attempts a WHERE a.notification_id = n.id AND a.outcome = 'sent') <> 1
                """)).as("rows without exactly one successful attempt").isZero();
        assertThat(count("SELECT COUNT(*) FROM notifications WHERE subject LIKE 'scale-%' AND published_at IS NULL"))
                .as("rows the relays never stamped").isZero();

        // Competing consumers: both took a share, and between them sent each job once.
        assertThat(sent1).as("worker 1's share").isPositive();
        assertThat(sent2).as("worker 2's share").isPositive();
        assertThat(sent1 + sent2).as("sends counted by the two workers").isEqualTo(burst);
        assertThat(worker1.logCount(SENT_LINE) + worker2.logCount(SENT_LINE)).isEqualTo(burst);
        // The relays did not double-publish: no job reached a worker for a row that was already sent.
        assertThat(skipped).as("duplicate-skipped deliveries").isZero();
        assertThat(worker1.logCount(DUPLICATE_LINE) + worker2.logCount(DUPLICATE_LINE)).isZero();
        try (BrokerProbe probe = new BrokerProbe(VHOST)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.messageCount(EMAIL_QUEUE) == 0);
        }
    }

    /**
     * Worker 1 loses the broker (its proxy cut; the broker itself keeps running for everyone else): its readiness
     * goes DOWN within seconds while worker 2 stays ready and delivers; when the link returns, worker 1 reconnects
     * by itself, is ready again and takes jobs again.
     */
    @Test
    @Order(2)
    void aWorkerThatLosesTheBrokerIsNotReadyAndRecoversByItself() throws Exception {
        assertThat(get(worker1, "/q/health/ready").status()).isEqualTo(200);
        double sentBefore1 = deliveries(worker1, "sent");

        long cutAt = System.nanoTime();
        brokerLink1.cut();
        Answer down = awaitStatus(worker1, "/q/health/ready", 503, Duration.ofSeconds(30));
        long notReadyMillis = millisSince(cutAt);
        assertThat(downChecks(down)).as(down.body()).contains("rabbitmq");
        assertThat(get(worker2, "/q/health/ready").status()).as("the other worker is unaffected").isEqualTo(200);

        // Meanwhile the platform goes on: worker 2 delivers what is posted during the outage.
        Map<String, String> duringOutage = postBurst("broker-out-", 10, 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT COUNT(*) FROM notifications WHERE subject LIKE 'broker-out-%' AND status = 'sent'") == 10);
        assertThat(get(worker1, "/q/health/ready").status()).as("still cut").isEqualTo(503);

        long restoredAt = System.nanoTime();
        brokerLink1.restore();
        awaitStatus(worker1, "/q/health/ready", 200, Duration.ofSeconds(60));
        long readyAgainMillis = millisSince(restoredAt);

        // Back in the pool of consumers: worker 1 takes a share of what comes next.
        Map<String, String> after = postBurst("broker-back-", 40, 4);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT COUNT(*) FROM notifications WHERE subject LIKE 'broker-back-%' AND status = 'sent'") == 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(worker1, "sent") > sentBefore1);
        double share1 = deliveries(worker1, "sent") - sentBefore1;
        System.out.printf("[e2e] broker cut from worker 1: not ready after %d ms (worker 2 ready, delivered %d posted"
                        + " meanwhile); link restored: ready again after %d ms, then took %.0f of 40 new jobs%n",
                notReadyMillis, duringOutage.size(), readyAgainMillis, share1);

        assertThat(smtp.arrivalsBySubject("broker-")).hasSize(50)
                .allSatisfy((subject, n) -> assertThat(n).as(subject).isEqualTo(1L));
        assertThat(notReadyMillis).as("time to not-ready").isLessThan(15_000);
        assertThat(after).hasSize(40);
    }

    /**
     * api-service 1 loses PostgreSQL: readiness DOWN (the database check), and a POST answers 503 with a JSON
     * body and accepts nothing, while api-service 2 keeps accepting. When the link returns, api-service 1 is
     * ready and accepts again without a restart.
     */
    @Test
    @Order(3)
    void anApiThatLosesTheDatabaseIsNotReadyAnswers503AndRecoversByItself() throws Exception {
        assertThat(get(api1, "/q/health/ready").status()).isEqualTo(200);

        long cutAt = System.nanoTime();
        databaseLink1.cut();
        Answer down = awaitStatus(api1, "/q/health/ready", 503, Duration.ofSeconds(30));
        long notReadyMillis = millisSince(cutAt);
        assertThat(downChecks(down)).as(down.body()).anySatisfy(name -> assertThat(name).containsIgnoringCase("database"));
        assertThat(get(api2, "/q/health/ready").status()).as("the other instance is unaffected").isEqualTo(200);

        long postAt = System.nanoTime();
        Answer refused = post(api1, emailJson("db-out@example.com", "db-out-1", "Not accepted", "db-out-request-1"));
        long refusedMillis = millisSince(postAt);
        System.out.printf("[e2e] database cut from api-service 1: not ready after %d ms; POST /api/notify answered %d"
                + " in %d ms (Content-Type %s, Retry-After %s): %s%n", notReadyMillis, refused.status(), refusedMillis,
                refused.headers().firstValue("content-type").orElse("-"),
                refused.headers().firstValue("retry-after").orElse("-"), refused.body());
        assertThat(refused.status()).as("POST while the database is unreachable: %s", refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        assertThat(JsonPath.from(refused.body()).getString("detail")).isNotBlank();
        assertThat(refusedMillis).as("answered, not hung").isLessThan(20_000);
        String acceptedByOther = JsonPath.from(post(api2, emailJson("db-other@example.com", "db-other-1",
                "Accepted by the other instance", "db-other-request-1")).expect(202).body()).getString("messageId");

        long restoredAt = System.nanoTime();
        databaseLink1.restore();
        awaitStatus(api1, "/q/health/ready", 200, Duration.ofSeconds(60));
        long readyAgainMillis = millisSince(restoredAt);
        // The first requests after the outage may still meet a pooled connection the cut broke: each is a 503 and
        // accepts nothing; the pool drops that connection. Count them.
        List<Integer> answers = new ArrayList<>();
        String[] accepted = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Answer answer = post(api1, emailJson("db-back@example.com", "db-back-1", "Accepted again",
                    "db-back-request-" + answers.size()));
            answers.add(answer.status());
            if (answer.status() == 202) {
                accepted[0] = JsonPath.from(answer.body()).getString("messageId");
                return true;
            }
            assertThat(answer.status()).as("after the outage: %s", answer.body()).isEqualTo(503);
            return false;
        });
        System.out.printf("[e2e] database link restored: api-service 1 ready again after %d ms; POST answers %s%n",
                readyAgainMillis, answers);

        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(*) FROM notifications WHERE id IN ('"
                + accepted[0] + "', '" + acceptedByOther + "') AND status = 'sent'") == 2);
        assertThat(count("SELECT COUNT(*) FROM notifications WHERE subject = 'db-out-1'"))
                .as("the refused request stored nothing").isZero();
        assertThat(count("SELECT COUNT(*) FROM notifications WHERE subject = 'db-back-1'")).isEqualTo(1);
        assertThat(smtp.arrivalsBySubject("db-")).containsOnlyKeys("db-other-1", "db-back-1");
    }

    /**
     * SIGTERM to worker 1 in the middle of a burst, its SMTP replies slowed so that it has deliveries in flight:
     * it stops taking jobs, finishes (or hands back) what it holds, and exits; worker 2 delivers the rest. Every
     * email arrives exactly once: nothing acked without being delivered, nothing delivered twice.
     */
    @Test
    @Order(4)
    void aWorkerStoppedWithSigtermMidBurstLosesAndRepeatsNothing() throws Exception {
        assertThat(worker1.isRunning()).isTrue();
        smtpLink1.delay(Duration.ofMillis(250));   // about 1.5 s per email on worker 1
        smtpLink2.delay(Duration.ofMillis(40));    // worker 2 slower too, so the burst lasts a few seconds
        long skippedBefore = worker2.logCount(DUPLICATE_LINE);
        int burst = 160;
        Map<String, String> idBySubject = new ConcurrentHashMap<>();
        long sentLines1 = worker1.logCount(SENT_LINE);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        long stopMillis;
        long finishedDuringStop;
        long unsentAtStop;
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                ServiceProcess api = i % 2 == 0 ? api1 : api2;
                String subject = "term-" + i;
                String json = emailJson("term" + i + "@example.com", subject, "Burst message " + i,
                        "term-request-" + i);
                posts.add(clients.submit(() -> idBySubject.put(subject, accept(api, json))));
            }
            // Worker 1 is well into its share (each send slow), with jobs in flight.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> worker1.logCount(SENT_LINE) >= sentLines1 + 3);
            long atStop = worker1.logCount(SENT_LINE);
            unsentAtStop = count("SELECT COUNT(*) FROM notifications WHERE subject LIKE 'term-%' AND status <> 'sent'");
            long stopAt = System.nanoTime();
            worker1.stop();
            stopMillis = millisSince(stopAt);
            finishedDuringStop = worker1.logCount(SENT_LINE) - atStop;
            for (Future<?> post : posts) {
                post.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(idBySubject).hasSize(burst);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                count("SELECT COUNT(*) FROM notifications WHERE subject LIKE 'term-%' AND status = 'sent'") == burst);
        smtpLink1.delay(Duration.ZERO);
        smtpLink2.delay(Duration.ZERO);

        Map<String, Long> received = smtp.arrivalsBySubject("term-");
        Set<String> lost = new HashSet<>(idBySubject.keySet());
        lost.removeAll(received.keySet());
        long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
        long skipped = worker2.logCount(DUPLICATE_LINE) - skippedBefore;
        long transientAttempts = count("""
                SELECT COUNT(*) FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id
                WHERE n.subject LIKE 'term-%' AND a.outcome <> 'sent'""");
        System.out.printf("[e2e] SIGTERM to worker 1 mid-burst (%d of %d rows not yet sent): it exited in %d ms,"
                        + " finishing %d send(s) after the signal; %d distinct received, %d lost, %d duplicates,"
                        + " %d jobs skipped as already sent by worker 2, %d non-sent attempts%n", unsentAtStop, burst,
                stopMillis, finishedDuringStop, received.size(), lost.size(), duplicates, skipped, transientAttempts);

        assertThat(unsentAtStop).as("the stop must land mid-burst").isPositive();
        assertThat(lost).as("accepted but never delivered").isEmpty();
        assertThat(received).as("each email exactly once").hasSize(burst)
                .allSatisfy((subject, n) -> assertThat(n).as(subject).isEqualTo(1L));
        assertThat(count("""
                SELECT COUNT(*) FROM notifications n WHERE n.subject LIKE 'term-%'
                  AND (SELECT COUNT(*) FROM delivery_attempts a WHERE a.notification_id = n.id AND a.outcome = 'sent') <> 1
                """)).as("rows without exactly one successful attempt").isZero();
        assertThat(stopMillis).as("a graceful exit, not the 30 s kill").isLessThan(25_000);
        assertThat(worker1.logTail(200)).as("worker 1's shutdown")
                .doesNotContain("deliveries still in flight at shutdown")
                .doesNotContain("could not ack");
        assertThat(skipped).as("jobs worker 1 sent but did not ack (redelivered to worker 2)").isZero();
    }

    // --- clients ---

    private static Map<String, String> postBurst(String prefix, int n, int threads) throws Exception {
        Map<String, String> idBySubject = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServiceProcess api = i % 2 == 0 ? api1 : api2;
                String subject = prefix + i;
                String json = emailJson(prefix.replace("-", "") + i + "@example.com", subject, "Message " + i,
                        prefix + "request-" + i);
                posts.add(clients.submit(() -> idBySubject.put(subject, accept(api, json))));
            }
            for (Future<?> post : posts) {
                post.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(idBySubject).hasSize(n);
        return idBySubject;
    }

    private static String accept(ServiceProcess api, String json) {
        Answer answer = post(api, json).expect(202);
        return JsonPath.from(answer.body()).getString("messageId");
    }

    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        Answer expect(int expected) {
            assertThat(status).as("answer: %s", body).isEqualTo(expected);
            return this;
        }
    }

    private static Answer post(ServiceProcess service, String json) {
        return send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/notify"))
                .header("X-API-Key", API_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** GET {@code path}; {@code /q/*} (health, metrics) is on the service's management interface. */
    private static Answer get(ServiceProcess service, String path) {
        String base = path.startsWith("/q/") ? service.managementUrl() : service.baseUrl();
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .GET().build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer awaitStatus(ServiceProcess service, String path, int status, Duration within) {
        Answer[] last = new Answer[1];
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = get(service, path);
            return last[0].status() == status;
        });
        return last[0];
    }

    /** The names of the health checks that report DOWN. */
    private static List<String> downChecks(Answer health) {
        return JsonPath.from(health.body()).getList("checks.findAll { it.status == 'DOWN' }.name", String.class);
    }

    private static final Pattern DELIVERIES = Pattern.compile(
            "^notiflow_deliveries_total\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE); // an exemplar may follow

    /** The worker's {@code notiflow_deliveries_total} for the email channel and {@code outcome} (0 if absent). */
    private static double deliveries(ServiceProcess worker, String outcome) {
        Answer metrics = get(worker, "/q/metrics").expect(200);
        double total = 0;
        Matcher line = DELIVERIES.matcher(metrics.body());
        while (line.find()) {
            String labels = line.group(1);
            if (labels.contains("channel=\"email\"") && labels.contains("outcome=\"" + outcome + "\"")) {
                total += Double.parseDouble(line.group(2));
            }
        }
        return total;
    }

    private static String emailJson(String to, String subject, String message, String requestId) {
        return """
                {"type":"email","to":"%s","subject":"%s","message":"%s","request_id":"%s"}"""
                .formatted(to, subject, message, requestId);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static long count(String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(LocalServices.jdbcUrl(DATABASE),
                LocalServices.PG_USER, "postgres");
             PreparedStatement statement = connection.prepareStatement(query);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
