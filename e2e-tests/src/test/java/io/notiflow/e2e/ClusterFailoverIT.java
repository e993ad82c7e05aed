package io.notiflow.e2e;

import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.core.testing.LocalServices;
import io.notiflow.e2e.EmailBurst.Post;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scale-out story of docker-compose.prod.yml on one machine: a real three-node RabbitMQ cluster
 * ({@code bin/rabbit-cluster}: {@code nf1..nf3@localhost}, AMQP 5681..5683), api-service and email-worker as their
 * packaged jars with {@code RABBITMQ_ADDRESSES} listing all three nodes (database {@value #DATABASE}, vhost
 * {@value #VHOST}, both re-created per run; GreenMail in this JVM; {@code RETRY_DELAYS=1s,2s,3s}).
 * <p>
 * The work queue, its ladder and its DLQ are quorum queues with a member on each node. A burst of
 * {@code -De2e.cluster.burst} (default {@value #DEFAULT_BURST}) emails is posted from {@value #CLIENT_THREADS}
 * client threads over {@code -De2e.cluster.spread-seconds} (default {@value #DEFAULT_SPREAD_SECONDS}); when a
 * quarter is answered and the worker is sending, the node the worker is connected to (named in its log) is killed
 * with SIGKILL. Then:
 * <ul>
 *   <li>the worker, and api-service if it was on that node, reconnect to a survivor by themselves (their logs'
 *       {@code reconnected to RabbitMQ at} line; the survivors' management API lists their connections and none
 *       on the dead node);</li>
 *   <li>the burst is reconciled as in FaultInjectionIT ({@link BurstReconciler}): every answer 202, every
 *       notification sent, none failed, nothing left on the queues, the database and the SMTP sink agree, each
 *       email arrived once (duplicates counted and printed, asserted 0: a redelivered job whose row is already
 *       sent is acked without sending, and the row claim keeps two copies from sending at once);</li>
 *   <li>the killed node is started again and the cluster reports three running nodes, each queue's three
 *       members online.</li>
 * </ul>
 * The cluster is started through the script if it is not running, and stopped afterwards if this test started it.
 * {@code -Dcluster=false} leaves the test out.
 */
@DisabledIfSystemProperty(named = "cluster", matches = "false")
@ExtendWith(ThreadDumpOnFailure.class)
class ClusterFailoverIT {

    static final String DATABASE = "notiflow_test_e2e_cluster";
    static final String VHOST = "notiflow-test-e2e-cluster";
    static final String API_KEY = "e2e-cluster-key";
    static final int WORKER_CONCURRENCY = 8;
    static final int CLIENT_THREADS = 8;
    static final int DEFAULT_BURST = 2000;
    static final int DEFAULT_SPREAD_SECONDS = 20;
    static final String RETRY_DELAYS = "1s,2s,3s";
    static final int LADDER_STEPS = 3;

    static final int BURST = Integer.getInteger("e2e.cluster.burst", DEFAULT_BURST);
    static final Duration SPREAD = Duration.ofSeconds(Long.getLong("e2e.cluster.spread-seconds",
            DEFAULT_SPREAD_SECONDS));
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(Long.getLong("e2e.cluster.drain-timeout-seconds", 180));

    private static final Pattern CONNECTED = Pattern.compile("connected to RabbitMQ at 127\\.0\\.0\\.1:(\\d+)");
    private static final String RECONNECTED = "reconnected to RabbitMQ at";

    private static LocalRabbitCluster cluster;
    private static boolean startedHere;
    private static SmtpSink smtp;
    private static ServiceProcess api;
    private static ServiceProcess worker;

    @BeforeAll
    static void startPlatform() {
        cluster = new LocalRabbitCluster();
        startedHere = !cluster.isRunning();
        long started = System.nanoTime();
        if (startedHere) {
            cluster.stop(); // whatever a crashed run left in its data directory
        }
        cluster.start();
        System.out.printf("[e2e] cluster: %s three nodes in %d ms (%s)%n", startedHere ? "started" : "completed",
                EmailBurst.millisBetween(started, System.nanoTime()), LocalRabbitCluster.addresses());
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(LocalRabbitCluster.managementPort(1), VHOST);
        smtp = new SmtpSink();
        smtp.up();

        Map<String, String> infrastructure = Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_ADDRESSES", LocalRabbitCluster.addresses(),
                "RABBITMQ_VIRTUAL_HOST", VHOST);
        Map<String, String> apiEnv = new HashMap<>(infrastructure);
        apiEnv.put("API_KEYS", API_KEY);
        Map<String, String> workerEnv = new HashMap<>(infrastructure);
        workerEnv.putAll(Map.of(
                "SMTP_HOST", SmtpSink.HOST,
                "SMTP_PORT", String.valueOf(smtp.port()),
                "SMTP_STARTTLS", "DISABLED",
                "RETRY_DELAYS", RETRY_DELAYS,
                "WORKER_CONCURRENCY", String.valueOf(WORKER_CONCURRENCY)));
        api = new ServiceProcess("cluster-api-service", "e2e.api-service.jar", apiEnv).freshLog();
        worker = new ServiceProcess("cluster-email-worker", "e2e.email-worker.jar", workerEnv).freshLog();
        // api-service first: it applies the migrations the worker validates at start.
        api.start();
        worker.start();
    }

    @AfterAll
    static void stopPlatform() {
        if (worker != null) {
            worker.stop();
        }
        if (api != null) {
            api.stop();
        }
        if (smtp != null) {
            smtp.close();
        }
        if (cluster != null && startedHere) {
            cluster.stop();
        }
    }

    @Test
    void aNodeKilledMidBurstLosesNothingAndTheServicesReconnectToTheSurvivors() throws Exception {
        Set<String> allNodes = IntStream.rangeClosed(1, LocalRabbitCluster.NODES)
                .mapToObj(LocalRabbitCluster::nodeName).collect(Collectors.toCollection(TreeSet::new));
        List<String> queues = queues();
        for (String queue : queues) {
            JsonPath details = cluster.queue(1, VHOST, queue);
            assertThat(details.getString("type")).as("%s is a quorum queue", queue).isEqualTo("quorum");
            assertThat(new TreeSet<>(details.getList("members", String.class))).as("members of %s", queue)
                    .isEqualTo(allNodes);
        }

        int workerNode = currentNode(worker);
        int apiNode = currentNode(api);
        int survivor = workerNode % LocalRabbitCluster.NODES + 1;
        System.out.printf("[e2e] cluster: burst %d over %d s from %d client threads, worker concurrency %d; worker"
                        + " on %s, api-service on %s; each of %s has members %s%n", BURST, SPREAD.toSeconds(),
                CLIENT_THREADS, WORKER_CONCURRENCY, LocalRabbitCluster.nodeName(workerNode),
                LocalRabbitCluster.nodeName(apiNode), queues, allNodes);

        String prefix = "ck-";
        EmailBurst burst = new EmailBurst(api, API_KEY, CLIENT_THREADS, prefix, BURST, SPREAD).start();
        burst.awaitAnswered(BURST / 4);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> sentSoFar(prefix) > 0);
        int answeredAtKill = burst.answered();
        long sentAtKill = sentSoFar(prefix);
        long workerReconnects = worker.logCount(RECONNECTED);
        long apiReconnects = api.logCount(RECONNECTED);
        long killedAt = System.nanoTime();
        cluster.kill(workerNode);
        long killMillis = EmailBurst.millisBetween(killedAt, System.nanoTime());

        // Both logs watched together, so each reconnect is timed when it shows up.
        long workerReconnectMillis = -1;
        long apiReconnectMillis = -1;
        long deadline = killedAt + Duration.ofSeconds(60).toNanos();
        while ((workerReconnectMillis < 0 || apiNode == workerNode && apiReconnectMillis < 0)
                && System.nanoTime() < deadline) {
            if (workerReconnectMillis < 0 && worker.logCount(RECONNECTED) > workerReconnects) {
                workerReconnectMillis = EmailBurst.millisBetween(killedAt, System.nanoTime());
            }
            if (apiReconnectMillis < 0 && api.logCount(RECONNECTED) > apiReconnects) {
                apiReconnectMillis = EmailBurst.millisBetween(killedAt, System.nanoTime());
            }
            Thread.sleep(50);
        }
        assertThat(workerReconnectMillis).as("the worker logged '%s' within 60 s of the kill", RECONNECTED)
                .isNotNegative();
        if (apiNode == workerNode) {
            assertThat(apiReconnectMillis).as("api-service logged '%s' within 60 s of the kill", RECONNECTED)
                    .isNotNegative();
        }
        int workerNow = currentNode(worker);
        int apiNow = currentNode(api);
        System.out.printf("[e2e] cluster: killed %s (the worker's node) with SIGKILL after %d answers, %d sent (kill"
                        + " took %d ms); worker reconnected to %s %d ms after the kill; api-service %s%n",
                LocalRabbitCluster.nodeName(workerNode), answeredAtKill, sentAtKill, killMillis,
                LocalRabbitCluster.nodeName(workerNow), workerReconnectMillis,
                apiReconnectMillis >= 0 ? "reconnected to " + LocalRabbitCluster.nodeName(apiNow) + " "
                        + apiReconnectMillis + " ms after the kill"
                        : "stayed on " + LocalRabbitCluster.nodeName(apiNow) + " (not on the killed node)");
        assertThat(workerNow).as("the worker's node after the kill").isNotEqualTo(workerNode);
        assertThat(apiNow).as("api-service's node after the kill").isNotEqualTo(workerNode);

        List<Post> posts = burst.finish();
        BurstReconciler reconciler = new BurstReconciler("cluster", DATABASE,
                () -> new BrokerProbe("127.0.0.1", LocalRabbitCluster.amqpPort(survivor), VHOST), smtp, LADDER_STEPS,
                DRAIN_TIMEOUT);
        BurstReconciler.Reconciliation result = reconciler.reconcile("node-kill", prefix, posts, killedAt);

        // The survivors see both services' connections, none of them on the dead node.
        String dead = LocalRabbitCluster.nodeName(workerNode);
        List<Map<String, Object>> connections = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> cluster.connections(survivor, VHOST),
                        c -> c.size() >= 2 && c.stream().noneMatch(x -> dead.equals(x.get("node"))));
        System.out.printf("[e2e] cluster: connections into %s after the kill: %s; jobs the broker delivered again"
                        + " and the worker acked without sending (row already sent): %d%n", VHOST,
                connections.stream().map(c -> c.get("node") + " <- 127.0.0.1:" + c.get("peer_port")).toList(),
                worker.logCount("redelivered job acknowledged without sending"));

        assertThat(result.accepted()).as("202 answers").isEqualTo(BURST);
        assertThat(result.rejected()).as("refusals: the API stores and answers without the broker").isZero();
        assertThat(result.failed()).as("nothing should fail for good over the loss of one node").isZero();
        assertThat(result.sent()).isEqualTo(BURST);
        assertThat(result.duplicates()).as("emails that arrived more than once").isZero();
        result.assertOnly202Or503();

        // The killed node comes back and its queue members catch up.
        long restartAt = System.nanoTime();
        cluster.start();
        assertThat(new TreeSet<>(cluster.runningNodes(survivor))).isEqualTo(allNodes);
        for (String queue : queues) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    new TreeSet<>(cluster.queue(survivor, VHOST, queue).getList("online", String.class)),
                    allNodes::equals);
        }
        System.out.printf("[e2e] cluster: %s back, the cluster at 3 running nodes and every queue's 3 members online"
                + " %d ms after the restart began%n", dead, EmailBurst.millisBetween(restartAt, System.nanoTime()));
    }

    private static List<String> queues() {
        List<String> queues = new java.util.ArrayList<>(List.of(BurstReconciler.EMAIL_QUEUE,
                BurstReconciler.EMAIL_DLQ));
        for (int step = 1; step <= LADDER_STEPS; step++) {
            queues.add(BurstReconciler.EMAIL_QUEUE + ".retry." + step);
        }
        return queues;
    }

    /** The node a service is connected to now: the last "connected to"/"reconnected to" line of its log. */
    private static int currentNode(ServiceProcess service) {
        List<String> lines = service.logLines("connected to RabbitMQ at");
        assertThat(lines).as("%s logged the node it connected to", service.name()).isNotEmpty();
        Matcher m = CONNECTED.matcher(lines.get(lines.size() - 1));
        assertThat(m.find()).as("node in %s", lines.get(lines.size() - 1)).isTrue();
        return LocalRabbitCluster.nodeOfPort(Integer.parseInt(m.group(1)));
    }

    private static long sentSoFar(String prefix) throws SQLException {
        return Long.parseLong(E2eSql.rows(DATABASE, "SELECT COUNT(*) FROM notifications WHERE subject LIKE '"
                + prefix + "%' AND status = 'sent'").get(0).get(0));
    }
}
