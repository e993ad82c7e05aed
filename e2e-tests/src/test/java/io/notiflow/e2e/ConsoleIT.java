package io.notiflow.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.notiflow.core.testing.JwtKeysResource;
import io.notiflow.core.testing.LocalServices;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/**
 * The operator console in real browsers: api-service and one inapp-gateway run as their packaged jars, seeded
 * through the API, SQL and the broker with a failed notification and its attempts, parked e-mail jobs, a template
 * and an SMS suppression; then {@code console-tests/run.mjs} clicks through every view, once in Debian's Chromium
 * (playwright-core) and once in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi), each with its own parked
 * jobs and its own e-mail address to suppress through the page's form and remove with its button. Screenshots
 * land in {@code target/console-screenshots/<browser>/}; the test fails when one is missing or empty and prints
 * their paths, and when the API still lists an e-mail suppression afterwards. The gateway is the one live worker
 * the overview must show (its heartbeat row), and stopping it must take the row away. Needs /usr/bin/chromium and /usr/bin/firefox-esr ({@code bin/infra} installs both) and
 * npm ({@code npm ci} in console-tests when its modules are missing); {@code -Dconsole=false} leaves it out.
 * Alone: {@code ./mvnw -B verify -pl e2e-tests -Dit.test=ConsoleIT} once api-service and inapp-gateway are packaged.
 */
@DisabledIfSystemProperty(named = "console", matches = "false")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ThreadDumpOnFailure.class)
class ConsoleIT {

    static final String DATABASE = "notiflow_test_console";
    static final String VHOST = "notiflow-test-console";
    static final String API_KEY = "console-key";
    static final String EMAIL_QUEUE = "notifications.email";
    static final String EMAIL_DLQ = "notifications.email.dlq";
    /** The suppression run.mjs finds listed before it adds its own (and must leave when it removes that). */
    static final String SUPPRESSED_SMS = "+14155550100";
    static final Path CONSOLE_TESTS = Path.of(System.getProperty("e2e.console-tests", "../console-tests"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("e2e.console-screenshots",
            "target/console-screenshots"));
    /** What run.mjs photographs in each browser. */
    static final List<String> SHOTS = List.of("1-overview", "2-notifications", "3-notification-detail", "4-dlq",
            "5-dlq-replayed", "6-template-draft-error", "7-templates", "8-suppression-field-error", "9-suppressions");

    private static ServiceProcess api;
    private static ServiceProcess gateway;

    @BeforeAll
    static void startAndSeed() throws Exception {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_HOST", LocalServices.RABBIT_HOST,
                "RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT),
                "RABBITMQ_VIRTUAL_HOST", VHOST));
        Map<String, String> apiEnv = new HashMap<>(env);
        apiEnv.put("API_KEYS", API_KEY);
        Map<String, String> gatewayEnv = new HashMap<>(env);
        gatewayEnv.put("JWT_PUBLIC_KEY", new JwtKeysResource().start().get("jwt.public-key"));
        gatewayEnv.put("JWT_ISSUER", JwtKeysResource.ISSUER);
        // api-service first: it applies the migrations the gateway validates at start.
        api = new ServiceProcess("api-service-console", "e2e.api-service.jar", apiEnv).start();
        gateway = new ServiceProcess("inapp-gateway-console", "e2e.inapp-gateway.jar", gatewayEnv).start();
        seed();
        if (!Files.isDirectory(CONSOLE_TESTS.resolve("node_modules/playwright-core"))
                || !Files.isDirectory(CONSOLE_TESTS.resolve("node_modules/puppeteer-core"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(3)))
                    .as("npm ci in " + CONSOLE_TESTS).isZero();
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (api != null) {
            api.stop();
        }
    }

    @Test
    @Order(1)
    void everyViewWorksInChromium() throws Exception {
        clickThrough("chromium", Path.of(System.getProperty("e2e.chromium", "/usr/bin/chromium")),
                "Debian's chromium (apt-get install -y chromium)");
    }

    @Test
    @Order(2)
    void everyViewWorksInFirefox() throws Exception {
        clickThrough("firefox", Path.of(System.getProperty("e2e.firefox", "/usr/bin/firefox-esr")),
                "Debian's firefox-esr (apt-get install -y firefox-esr)");
    }

    /**
     * The packaged defaults a browser meets: the console under its CSP (which the two runs above worked under), and
     * a gateway that grants CORS to no other origin unless INBOX_ALLOWED_ORIGINS names it.
     */
    @Test
    @Order(3)
    void theConsoleIsLockedDownAndTheInboxGrantsNoOtherOrigin() {
        var console = RestAssured.given().baseUri(api.baseUrl()).get("/console/");
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.header("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(console.header("X-Frame-Options")).isEqualTo("DENY");
        var preflight = RestAssured.given().baseUri(gateway.baseUrl()).header("Origin", "https://app.example.test")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").options("/api/inbox");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(RestAssured.given().baseUri(api.baseUrl()).get("/q/metrics").statusCode())
                .as("nothing under /q/ on the API port").isEqualTo(404);
        assertThat(RestAssured.given().baseUri(api.managementUrl()).get("/q/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aStoppedWorkerTakesItsHeartbeatRowAlong() throws Exception {
        String gatewayRows = "SELECT provider_circuit, consuming FROM worker_instances WHERE service = 'inapp-gateway'";
        assertThat(E2eSql.rows(DATABASE, gatewayRows)).containsExactly(List.of("closed", "t"));
        gateway.stop();
        assertThat(E2eSql.rows(DATABASE, gatewayRows)).as("the row of a cleanly stopped worker").isEmpty();
        api().get("/api/stats").then().statusCode(200)
                .body("workers.find { it.channel == 'inapp' }.live", is(0));
    }

    /**
     * Parks fresh e-mail jobs (each browser replays its own), runs run.mjs in {@code browser} and checks that every
     * screenshot it must take is there and not empty.
     */
    private static void clickThrough(String browser, Path executable, String install) throws Exception {
        assertThat(executable).as(install).isExecutable();
        parkEmailJobs(notifyEmails(4, browser));
        Path shots = SCREENSHOTS.resolve(browser);
        Files.createDirectories(shots);
        try (var old = Files.list(shots)) {
            for (Path png : old.filter(f -> f.toString().endsWith(".png")).toList()) {
                Files.delete(png);
            }
        }
        int exit = run(List.of("node", "run.mjs", api.baseUrl(), API_KEY, shots.toAbsolutePath().toString(), browser),
                Duration.ofMinutes(3));
        assertThat(exit).as("console-tests/run.mjs in %s: exit code (its output is in"
                + " target/e2e-logs/console-tests.log)", browser).isZero();
        for (String name : SHOTS) {
            Path png = shots.resolve(name + ".png");
            assertThat(png).as("%s screenshot", browser).isNotEmptyFile();
            System.out.println("console screenshot (" + browser + "): " + png.toAbsolutePath());
        }
        // What the page added it removed again, through the API, and only that.
        assertThat(api().queryParam("channel", "email").get("/api/suppressions").then().statusCode(200)
                .extract().jsonPath().getList("address")).as("e-mail suppressions left after %s", browser).isEmpty();
        assertThat(api().queryParam("channel", "sms").get("/api/suppressions").then().statusCode(200)
                .extract().jsonPath().getList("address")).as("sms suppressions after %s", browser)
                .containsExactly(SUPPRESSED_SMS);
    }

    /** A failed e-mail with three attempts, a sent one, an SMS, a template and an SMS suppression. */
    private static void seed() throws Exception {
        List<String> ids = notifyEmails(2, "seed");
        api().body("""
                {"type":"sms","to":"+14155550123","message":"an sms"}""").post("/api/notify").then().statusCode(202);
        api().body("""
                {"code":"console-welcome","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}"}""")
                .post("/api/templates").then().statusCode(201);
        api().body("""
                {"channel":"sms","address":"%s","reason":"console seed"}""".formatted(SUPPRESSED_SMS))
                .post("/api/suppressions").then().statusCode(201);

        try (Connection db = DriverManager.getConnection(LocalServices.jdbcUrl(DATABASE), LocalServices.PG_USER, "")) {
            String failed = ids.get(0);
            update(db, "UPDATE notifications SET status = 'failed', retries = 3, last_error = 'smtp-550: mailbox"
                    + " unavailable', updated_at = now() WHERE id = ?", failed);
            for (int attempt = 1; attempt <= 3; attempt++) {
                // As a worker writes them: each verdict with its claim, and the ladder's next step for a retry.
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO delivery_attempts (notification_id,"
                        + " attempt_number, outcome, error_class, error_message, duration_ms, attempted_at, verdict,"
                        + " claimed_at, worker, retry_at, max_retries) VALUES (?, ?, ?, ?, ?, ?,"
                        + " now() - make_interval(secs => ?), ?, now() - make_interval(secs => ?), 'email-worker@ci/1',"
                        + " CASE WHEN ? THEN now() - make_interval(secs => ?) + interval '5 seconds' END,"
                        + " CASE WHEN ? THEN 3 END)")) {
                    boolean retry = attempt < 3;
                    insert.setObject(1, UUID.fromString(failed));
                    insert.setInt(2, attempt);
                    insert.setString(3, retry ? "transient" : "permanent");
                    insert.setString(4, retry ? "smtp-421" : "smtp-550");
                    insert.setString(5, retry ? "service not available" : "mailbox unavailable");
                    insert.setLong(6, 40L * attempt);
                    insert.setInt(7, 20 - 5 * attempt);
                    insert.setString(8, retry ? "retry" : "dead-letter");
                    insert.setInt(9, 20 - 5 * attempt);
                    insert.setBoolean(10, retry);
                    insert.setInt(11, 20 - 5 * attempt);
                    insert.setBoolean(12, retry);
                    insert.executeUpdate();
                }
            }
            update(db, "UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = ?", ids.get(1));
        }
    }

    private static List<String> notifyEmails(int count, String label) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(api().body("""
                    {"type":"email","to":"console-%s-%d@example.com","subject":"Console %s %d","message":"Hello %d"}"""
                    .formatted(label, i, label, i, i)).post("/api/notify").then().statusCode(202)
                    .extract().path("messageId"));
        }
        return ids;
    }

    /**
     * Moves the jobs of {@code ids} from the e-mail work queue (no e-mail worker runs here) into the DLQ with
     * reasons, as a worker would park them; other jobs found there (earlier seeds, earlier replays) are dropped.
     */
    private static void parkEmailJobs(List<String> ids) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalServices.RABBIT_HOST);
        factory.setPort(LocalServices.RABBIT_PORT);
        factory.setVirtualHost(VHOST);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("console-it");
             com.rabbitmq.client.Channel amqp = connection.createChannel()) {
            amqp.queueDeclare(EMAIL_DLQ, true, false, false, Map.of("x-queue-type", "quorum"));
            Set<String> waiting = new HashSet<>(ids);
            // The outbox publishes within a second or so; drain until every job of ids has been parked.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                GetResponse message;
                while ((message = amqp.basicGet(EMAIL_QUEUE, true)) != null) {
                    Map<String, Object> headers = new HashMap<>(message.getProps().getHeaders());
                    Object id = headers.get("x-notification-id");
                    if (id == null || !waiting.remove(id.toString())) {
                        continue;
                    }
                    boolean permanent = waiting.size() % 2 == 0;
                    headers.put("x-error-class", permanent ? "smtp-550" : "smtp-421");
                    headers.put("x-error-message", permanent ? "550 mailbox unavailable" : "421 try again later");
                    headers.put("x-failure-kind", permanent ? "permanent" : "retries-exhausted");
                    headers.put("x-attempts", permanent ? 1 : 4);
                    headers.put("x-last-attempt-at", Instant.now().toString());
                    amqp.basicPublish("", EMAIL_DLQ, new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .contentType("application/json").headers(headers).build(), message.getBody());
                }
                return waiting.isEmpty();
            });
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
