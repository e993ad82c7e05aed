package io.notiflow.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.notiflow.core.testing.LocalServices;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console in a real browser: api-service runs as its packaged jar, seeded through its API, SQL and
 * the broker with a failed notification and its attempts, parked e-mail jobs and a template; then
 * {@code console-tests/run.mjs} (playwright-core driving Debian's /usr/bin/chromium) clicks through every view.
 * Screenshots land in {@code target/console-screenshots/}. Needs Debian's Chromium ({@code bin/infra} installs it)
 * and npm (playwright-core is installed with {@code npm ci} when missing); {@code -Dconsole=false} leaves it out.
 * Alone: {@code ./mvnw -B verify -pl e2e-tests -Dit.test=ConsoleIT} once api-service is packaged.
 */
@DisabledIfSystemProperty(named = "console", matches = "false")
class ConsoleIT {

    static final String DATABASE = "notiflow_test_console";
    static final String VHOST = "notiflow-test-console";
    static final String API_KEY = "console-key";
    static final String EMAIL_QUEUE = "notifications.email";
    static final String EMAIL_DLQ = "notifications.email.dlq";
    static final Path CONSOLE_TESTS = Path.of(System.getProperty("e2e.console-tests", "../console-tests"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("e2e.console-screenshots",
            "target/console-screenshots"));

    private static ServiceProcess api;

    @BeforeAll
    static void startAndSeed() throws Exception {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_HOST", LocalServices.RABBIT_HOST,
                "RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT),
                "RABBITMQ_VIRTUAL_HOST", VHOST,
                "API_KEYS", API_KEY));
        api = new ServiceProcess("api-service-console", "e2e.api-service.jar", env).start();
        seed();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.stop();
        }
    }

    @Test
    void everyViewWorksInChromium() throws Exception {
        Path chromium = Path.of(System.getProperty("e2e.chromium", "/usr/bin/chromium"));
        assertThat(chromium).as("Debian's chromium (apt-get install -y chromium)").isExecutable();
        if (!Files.isDirectory(CONSOLE_TESTS.resolve("node_modules/playwright-core"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(3)))
                    .as("npm ci in " + CONSOLE_TESTS).isZero();
        }
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
            for (Path png : old.filter(f -> f.toString().endsWith(".png")).toList()) {
                Files.delete(png);
            }
        }
        int exit = run(List.of("node", "run.mjs", api.baseUrl(), API_KEY, SCREENSHOTS.toAbsolutePath().toString()),
                Duration.ofMinutes(3));
        assertThat(exit).as("console-tests/run.mjs exit code (its output is in target/e2e-logs/console-tests.log)")
                .isZero();
        assertThat(SCREENSHOTS.resolve("6-templates.png")).exists();
    }

    /** A failed e-mail with three attempts, four parked e-mail jobs (two error classes) and a template. */
    private static void seed() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(api().body("""
                    {"type":"email","to":"console%d@example.com","subject":"Console %d","message":"Hello %d"}"""
                    .formatted(i, i, i)).post("/api/notify").then().statusCode(202).extract().path("messageId"));
        }
        api().body("""
                {"type":"sms","to":"+14155550123","message":"an sms"}""").post("/api/notify").then().statusCode(202);
        api().body("""
                {"code":"console-welcome","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}"}""")
                .post("/api/templates").then().statusCode(201);

        try (Connection db = DriverManager.getConnection(LocalServices.jdbcUrl(DATABASE), LocalServices.PG_USER, "")) {
            String failed = ids.get(0);
            update(db, "UPDATE notifications SET status = 'failed', retries = 3, last_error = 'smtp-550: mailbox"
                    + " unavailable', updated_at = now() WHERE id = ?", failed);
            for (int attempt = 1; attempt <= 3; attempt++) {
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO delivery_attempts (notification_id,"
                        + " attempt_number, outcome, error_class, error_message, duration_ms, attempted_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, now() - make_interval(secs => ?))")) {
                    insert.setObject(1, UUID.fromString(failed));
                    insert.setInt(2, attempt);
                    insert.setString(3, attempt < 3 ? "transient" : "permanent");
                    insert.setString(4, attempt < 3 ? "smtp-421" : "smtp-550");
                    insert.setString(5, attempt < 3 ? "service not available" : "mailbox unavailable");
                    insert.setLong(6, 40L * attempt);
                    insert.setInt(7, 20 - 5 * attempt);
                    insert.executeUpdate();
                }
            }
            update(db, "UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = ?", ids.get(4));
        }
        parkEmailJobs(ids.subList(0, 4));
    }

    /** Moves the first e-mail jobs the outbox published into the DLQ with reasons, as a worker would park them. */
    private static void parkEmailJobs(List<String> ids) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalServices.RABBIT_HOST);
        factory.setPort(LocalServices.RABBIT_PORT);
        factory.setVirtualHost(VHOST);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("console-it");
             com.rabbitmq.client.Channel amqp = connection.createChannel()) {
            amqp.queueDeclare(EMAIL_DLQ, true, false, false, Map.of("x-queue-type", "quorum"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> amqp.queueDeclarePassive(EMAIL_QUEUE).getMessageCount() >= 5);
            int parked = 0;
            GetResponse message;
            while ((message = amqp.basicGet(EMAIL_QUEUE, true)) != null) {
                Map<String, Object> headers = new HashMap<>(message.getProps().getHeaders());
                Object id = headers.get("x-notification-id");
                if (id == null || !ids.contains(id.toString())) {
                    continue;
                }
                boolean permanent = parked % 2 == 0;
                headers.put("x-error-class", permanent ? "smtp-550" : "smtp-421");
                headers.put("x-error-message", permanent ? "550 mailbox unavailable" : "421 try again later");
                headers.put("x-failure-kind", permanent ? "permanent" : "retries-exhausted");
                headers.put("x-attempts", permanent ? 1 : 4);
                headers.put("x-last-attempt-at", Instant.now().toString());
                amqp.basicPublish("", EMAIL_DLQ, new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .contentType("application/json").headers(headers).build(), message.getBody());
                parked++;
            }
            assertThat(parked).as("jobs parked in " + EMAIL_DLQ).isEqualTo(ids.size());
        }
    }

    private static void update(Connection db, String sql, String id) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setObject(1, UUID.fromString(id));
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private static int run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path log = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).resolve("console-tests.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "%n===== %s: %s =====%n".formatted(Instant.now(), String.join(" ", command)),
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).directory(CONSOLE_TESTS.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeout);
        }
        return process.exitValue();
    }

    private static RequestSpecification api() {
        return RestAssured.given().baseUri(api.baseUrl()).header("X-API-Key", API_KEY).contentType(ContentType.JSON);
    }
}
