package io.notiflow.e2e;

import io.notiflow.core.testing.LocalServices;
import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The three-node RabbitMQ cluster of {@code bin/rabbit-cluster} (nodes {@code nf1..nf3@localhost}, AMQP on
 * 127.0.0.1:5681..5683, management on 15681..15683), driven through that script the way an operator would, and
 * read through the nodes' management API.
 */
final class LocalRabbitCluster {

    static final int NODES = 3;

    private final Path script;
    private final Path log;

    LocalRabbitCluster() {
        this.script = Path.of(System.getProperty("e2e.rabbit-cluster", "../bin/rabbit-cluster")).toAbsolutePath()
                .normalize();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing or not executable");
        }
        this.log = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).resolve("rabbit-cluster.log");
    }

    static String nodeName(int node) {
        return "nf" + node + "@localhost";
    }

    static int amqpPort(int node) {
        return 5680 + node;
    }

    static int managementPort(int node) {
        return 15680 + node;
    }

    /** The node (1..3) that listens on AMQP port {@code port}. */
    static int nodeOfPort(int port) {
        int node = port - 5680;
        if (node < 1 || node > NODES) {
            throw new IllegalArgumentException(port + " is no AMQP port of the cluster");
        }
        return node;
    }

    /** {@code 127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683}, for RABBITMQ_ADDRESSES. */
    static String addresses() {
        return IntStream.rangeClosed(1, NODES).mapToObj(n -> "127.0.0.1:" + amqpPort(n))
                .collect(Collectors.joining(","));
    }

    /** Whether the script reports the cluster running (at least one node up). */
    boolean isRunning() {
        return run(60, "status") == 0;
    }

    /** Starts the nodes that are down and returns once the cluster reports three running nodes. */
    void start() {
        require(run(300, "start"), "start");
    }

    /** kill -9 of node {@code node}'s beam.smp. */
    void kill(int node) {
        require(run(30, "kill", String.valueOf(node)), "kill " + node);
    }

    void stop() {
        require(run(120, "stop"), "stop");
    }

    /** GET {@code path} of the management API of {@code node}, as JSON. */
    JsonPath management(int node, String path) {
        return JsonPath.from(LocalServices.management(managementPort(node), "GET", path, null, false));
    }

    /** The names of the nodes the cluster runs, as {@code node} sees them. */
    List<String> runningNodes(int node) {
        return management(node, "/api/nodes").getList("findAll { it.running }.name", String.class);
    }

    /** The AMQP connections into {@code vhost}: {@code name}, {@code node}, {@code peer_port}, {@code port}. */
    List<Map<String, Object>> connections(int node, String vhost) {
        return management(node, "/api/vhosts/" + encode(vhost) + "/connections").getList("$");
    }

    /** A queue's details, with {@code members}, {@code leader} and {@code arguments} for a quorum queue. */
    JsonPath queue(int node, String vhost, String queue) {
        return management(node, "/api/queues/" + encode(vhost) + "/" + encode(queue));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private int run(long timeoutSeconds, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeoutSeconds + " s (output in " + log + ")");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void require(int exit, String what) {
        if (exit != 0) {
            String tail;
            try {
                List<String> lines = Files.readAllLines(log);
                tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                tail = e.toString();
            }
            throw new IllegalStateException("bin/rabbit-cluster " + what + " exited with " + exit + ":\n" + tail);
        }
    }
}
