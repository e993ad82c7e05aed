package io.notiflow.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code java -jar .../quarkus-app/quarkus-run.jar}) run as a separate process on a free
 * port, configured only through environment variables, as an operator runs it. Output goes to
 * {@code target/e2e-logs/<name>.log} (appended across restarts). A JVM shutdown hook kills whatever is still
 * running, so a failed or interrupted run leaves no process behind.
 */
public final class ServiceProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(
            Long.getLong("e2e.ready-timeout-seconds", 90));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "e2e-process-reaper"));
    }

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    /**
     * @param jarProperty system property holding the path of the service's quarkus-run.jar (set by the pom)
     */
    public ServiceProcess(String name, String jarProperty, Map<String, String> env) {
        this.name = name;
        this.jar = Path.of(required(jarProperty)).normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not packaged: " + jar + " is missing (run `./mvnw -B package"
                    + " -DskipTests` for that module, or run this suite from the root build)");
        }
        this.port = freePort();
        this.env = new LinkedHashMap<>(env);
        this.env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        this.log = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Starts the process and returns once {@code /q/health/ready} answers 200. */
    public synchronized ServiceProcess start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only what this suite sets: an operator's RETRY_DELAYS_EMAIL or SMTP_* in the shell must not leak in.
        builder.environment().keySet().removeIf(k -> k.startsWith("RETRY_DELAYS") || k.startsWith("SMTP_")
                || k.startsWith("RABBITMQ_") || k.startsWith("QUARKUS_") || k.startsWith("WORKER_")
                || k.equals("API_KEYS"));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "%n===== %s: starting %s on port %d =====%n".formatted(Instant.now(), name, port),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        RUNNING.add(process);
        awaitReady();
        return this;
    }

    /** SIGKILL: no shutdown hooks, no acks, sockets dropped by the kernel, as in a crash or an OOM kill. */
    public synchronized void kill9() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        waitForExit(current);
        appendToLog("killed with SIGKILL");
    }

    /** SIGTERM, and waits for a graceful exit (killed after 30 s). */
    public synchronized void stop() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroy();
        waitForExit(current);
        appendToLog("stopped with SIGTERM");
    }

    /** The last lines of this service's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        String lastAnswer = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                RUNNING.remove(process);
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready. Log tail (" + log + "):\n" + logTail(60));
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause();
        }
        Process current = process;
        current.destroyForcibly();
        waitForExit(current);
        throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s (last answer: "
                + lastAnswer + "). Log tail (" + log + "):\n" + logTail(60));
    }

    private void waitForExit(Process current) {
        try {
            if (!current.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                current.destroyForcibly();
                current.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(current);
        }
    }

    private void appendToLog(String event) {
        try {
            Files.writeString(log, "%n===== %s: %s %s =====%n".formatted(Instant.now(), name, event),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a diagnostic only
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (the e2e-tests pom sets it"
                    + " for failsafe)");
        }
        return value;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " on " + baseUrl() + " (" + jar + ")";
    }
}
