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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code java -jar .../quarkus-app/quarkus-run.jar}) run as a separate process on a free
 * port, with its management interface ({@code /q/*}) on another, both bound to 127.0.0.1 as {@code bin/run} binds
 * them, configured only through environment variables, as an operator runs it. Output goes to
 * {@code target/e2e-logs/<name>.log} (appended across restarts). It runs from a copy of the module's
 * {@code quarkus-app} taken when the suite starts, so a concurrent rebuild of the module does not change its jars
 * under it. A JVM shutdown hook kills whatever is still running, so a failed or interrupted run leaves no process
 * behind.
 */
public final class ServiceProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(
            Long.getLong("e2e.ready-timeout-seconds", 90));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** The processes started and not yet seen to exit, and whose they are. */
    private static final Map<Process, ServiceProcess> RUNNING = new ConcurrentHashMap<>();
    /** Each service's quarkus-app directory → this run's private copy of it. */
    private static final Map<Path, Path> SNAPSHOTS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.keySet().forEach(Process::destroyForcibly),
                "e2e-process-reaper"));
    }

    private final String name;
    private final Path jar;
    private final int port;
    private final int managementPort;
    private final Map<String, String> env;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    /**
     * @param jarProperty system property holding the path of the service's quarkus-run.jar (set by the pom)
     */
    public ServiceProcess(String name, String jarProperty, Map<String, String> env) {
        this.name = name;
        Path packaged = Path.of(required(jarProperty)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(packaged)) {
            throw new IllegalStateException(name + " is not packaged: " + packaged + " is missing (run `./mvnw -B"
                    + " package -DskipTests` for that module, or run this suite from the root build)");
        }
        this.jar = snapshot(packaged);
        this.port = freePort();
        this.managementPort = freePort();
        this.env = new LinkedHashMap<>();
        this.env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // Development infrastructure (postgres/postgres, guest/guest, short test keys); a suite that checks the
        // production refusal of such secrets removes it.
        this.env.put("ALLOW_DEV_SECRETS", "true");
        this.env.putAll(env);
        this.env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        this.env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        this.log = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).resolve(name + ".log");
    }

    /** Sets one more variable of the process's environment (from its next start), e.g. one naming its own URL. */
    public ServiceProcess env(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics}, {@code /q/openapi}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Starts the process and returns once {@code /q/health/ready} answers 200. */
    public synchronized ServiceProcess start() {
        launch();
        awaitReady();
        return this;
    }

    /**
     * Starts a process that is expected to refuse to start: waits for it to exit and returns its exit code (fails
     * when it is still running after {@code within}).
     */
    public synchronized int startExpectingExit(Duration within) {
        launch();
        Process current = process;
        try {
            if (!current.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                current.destroyForcibly();
                waitForExit(current);
                throw new IllegalStateException(name + " still ran after " + within.toSeconds() + " s. Log tail ("
                        + log + "):\n" + logTail(60));
            }
        } catch (InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            RUNNING.remove(current);
        }
        return current.exitValue();
    }

    private void launch() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only what this suite sets: an operator's RETRY_DELAYS_EMAIL, SMTP_* or JWT_* in the shell must not leak in.
        builder.environment().keySet().removeIf(k -> k.startsWith("RETRY_DELAYS") || k.startsWith("SMTP_")
                || k.startsWith("RABBITMQ_") || k.startsWith("QUARKUS_") || k.startsWith("WORKER_")
                || k.startsWith("JWT_") || k.startsWith("INAPP_") || k.equals("API_KEYS")
                || k.startsWith("MANAGEMENT_") || k.equals("ALLOW_DEV_SECRETS"));
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "%n===== %s: starting %s on port %d (management %d) =====%n".formatted(
                            Instant.now(), name, port, managementPort),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        RUNNING.put(process, this);
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

    /**
     * Appends a thread dump ({@code jcmd <pid> Thread.print}) of every service still running to its log: what a
     * service was doing when a test gave up on it (a stuck delivery, a lock) is otherwise lost when it is stopped.
     */
    static void dumpThreadsOfRunning(String why) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (var running : RUNNING.entrySet()) {
            Process current = running.getKey();
            ServiceProcess service = running.getValue();
            if (!current.isAlive()) {
                continue;
            }
            service.appendToLog("thread dump, because " + why);
            try {
                Process dump = new ProcessBuilder(jcmd, String.valueOf(current.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(service.log.toFile())).start();
                if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                    dump.destroyForcibly();
                }
            } catch (IOException e) {
                service.appendToLog("no thread dump: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether this service's log (every run of it so far) has a line containing {@code text}. */
    public boolean logContains(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(line -> line.contains(text));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** How many lines of this service's log (every run of it so far) contain {@code text}. */
    public long logCount(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The lines of this service's log (every run of it so far) that contain {@code text}, oldest first. */
    public List<String> logLines(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(text)).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Drops the log of earlier runs (the file is appended to across runs), so counts start from this run. */
    public ServiceProcess freshLog() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running");
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
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
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
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

    /**
     * A private copy of the service's {@code quarkus-app} directory, made once per test run, that the processes
     * run from. A rebuild of the module while the suite runs (a concurrent {@code package}) replaces the jars in
     * its {@code target/quarkus-app}; a running JVM whose class path changes under it fails or hangs loading its
     * next class.
     */
    private static Path snapshot(Path runJar) {
        Path app = runJar.getParent();
        return SNAPSHOTS.computeIfAbsent(app, source -> {
            String module = source.getParent() != null && source.getParent().getParent() != null
                    ? source.getParent().getParent().getFileName().toString() : source.getFileName().toString();
            Path copy = Path.of(System.getProperty("e2e.apps", "target/e2e-apps")).toAbsolutePath().resolve(module);
            try {
                deleteTree(copy);
                try (var files = Files.walk(source)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + source + " to " + copy, e);
            }
            return copy;
        }).resolve(runJar.getFileName().toString());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
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
        return name + " on " + baseUrl() + ", management " + managementUrl() + " (" + jar + ")";
    }
}
