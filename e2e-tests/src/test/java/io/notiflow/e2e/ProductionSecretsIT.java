package io.notiflow.e2e;

import com.rabbitmq.client.ConnectionFactory;
import io.notiflow.core.testing.LocalServices;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Production logins, as docker-compose.prod.yml sets them up, on the real PostgreSQL and RabbitMQ: the roles of
 * {@code deploy/postgres/roles.sql} (run with psql, as the compose file's database-roles container does) and a
 * broker user limited to one vhost with no tags (what {@code deploy/rabbitmq/app-user.sh} makes). api-service
 * migrates as the migration role and runs as the runtime role, the email worker too, with generated secrets and
 * without ALLOW_DEV_SECRETS: an e-mail goes through. The runtime role cannot change the schema, the broker user
 * cannot leave its vhost. And a packaged service given deploy/prod.env.example's placeholders or a default login refuses to
 * start, naming each setting and never its value.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ThreadDumpOnFailure.class)
class ProductionSecretsIT {

    static final String DATABASE = "notiflow_test_prod_roles";
    static final String VHOST = "notiflow-test-prod-roles";
    static final String MIGRATOR = "notiflow_e2e_migrator";
    static final String APP = "notiflow_e2e_app";
    static final String BROKER_USER = "notiflow-e2e-app";
    static final Path ROLES_SQL = Path.of(System.getProperty("e2e.roles-sql", "../deploy/postgres/roles.sql"));

    private static final String MIGRATOR_PASSWORD = secret();
    private static final String APP_PASSWORD = secret();
    private static final String BROKER_PASSWORD = secret();
    private static final String API_KEY = "key-" + secret();

    private static SmtpSink smtp;
    private static ServiceProcess api;
    private static ServiceProcess worker;

    @BeforeAll
    static void makeTheProductionLogins() throws Exception {
        dropEverything();
        LocalServices.recreateDatabase(DATABASE);
        Files.createDirectories(Path.of("target/e2e-logs"));
        Process psql = new ProcessBuilder("psql", "-h", LocalServices.PG_HOST, "-p", String.valueOf(LocalServices.PG_PORT),
                "-U", LocalServices.PG_USER, "-d", DATABASE, "-v", "ON_ERROR_STOP=1", "-v", "database=" + DATABASE,
                "-v", "migration_user=" + MIGRATOR, "-v", "migration_password=" + MIGRATOR_PASSWORD,
                "-v", "app_user=" + APP, "-v", "app_password=" + APP_PASSWORD, "-f", ROLES_SQL.toString())
                .redirectErrorStream(true).redirectOutput(Path.of("target/e2e-logs/roles-sql.log").toFile()).start();
        assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(psql.exitValue()).as("psql -f %s (target/e2e-logs/roles-sql.log)", ROLES_SQL).isZero();

        LocalServices.recreateVhost(VHOST);
        String user = "/api/users/" + URLEncoder.encode(BROKER_USER, StandardCharsets.UTF_8);
        LocalServices.management(LocalServices.RABBIT_MANAGEMENT_PORT, "PUT", user,
                "{\"password\":\"" + BROKER_PASSWORD + "\",\"tags\":\"\"}", false);
        LocalServices.management(LocalServices.RABBIT_MANAGEMENT_PORT, "PUT", "/api/permissions/"
                + URLEncoder.encode(VHOST, StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(BROKER_USER, StandardCharsets.UTF_8),
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", false);
        smtp = new SmtpSink();
        smtp.up();
    }

    @AfterAll
    static void stopAndDrop() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (api != null) {
            api.stop();
        }
        if (smtp != null) {
            smtp.close();
        }
        dropEverything();
    }

    @Test
    @Order(1)
    void leastPrivilegeLoginsRunTheWholeFlow() throws Exception {
        Map<String, String> apiEnv = production();
        apiEnv.put("QUARKUS_FLYWAY_USERNAME", MIGRATOR);
        apiEnv.put("QUARKUS_FLYWAY_PASSWORD", MIGRATOR_PASSWORD);
        apiEnv.put("API_KEYS", API_KEY);
        Map<String, String> workerEnv = production();
        workerEnv.putAll(Map.of("SMTP_HOST", SmtpSink.HOST, "SMTP_PORT", String.valueOf(smtp.port()),
                "SMTP_STARTTLS", "DISABLED"));
        workerEnv.put("LOG_JSON", "true"); // what a log shipper reads in production
        api = new ServiceProcess("api-service-prod", "e2e.api-service.jar", apiEnv).start();
        worker = new ServiceProcess("email-worker-prod", "e2e.email-worker.jar", workerEnv).freshLog().start();

        String id = RestAssured.given().baseUri(api.baseUrl()).header("X-API-Key", API_KEY)
                .header("X-Correlation-Id", "e2e-json-log").contentType(ContentType.JSON)
                .body("""
                        {"type":"email","to":"least@example.com","subject":"least-privilege","message":"Hello"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        await().atMost(Duration.ofSeconds(60)).until(() -> !smtp.arrivals("least-privilege").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> E2eSql.rows(DATABASE,
                "SELECT status FROM notifications WHERE id = '" + id + "'").equals(List.of(List.of("sent"))));
        assertJsonLog(worker, id);

        assertThat(E2eSql.rows(DATABASE, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
                .as("the migration role owns every table").containsExactly(List.of(MIGRATOR));
        try (Connection app = DriverManager.getConnection(LocalServices.jdbcUrl(DATABASE), APP, APP_PASSWORD);
             Statement s = app.createStatement()) {
            for (String ddl : List.of("CREATE TABLE intruder (id int)", "DROP TABLE delivery_attempts",
                    "ALTER TABLE notifications ADD COLUMN intruder int", "TRUNCATE notifications",
                    "DELETE FROM flyway_schema_history WHERE false")) {
                if (ddl.startsWith("DELETE")) {
                    s.execute(ddl); // rows are the runtime role's business, even there
                    continue;
                }
                // 42501 insufficient_privilege: "permission denied" or "must be owner of table"
                assertThatThrownBy(() -> s.execute(ddl)).as(ddl).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501"));
            }
        }
        ConnectionFactory elsewhere = new ConnectionFactory();
        elsewhere.setHost(LocalServices.RABBIT_HOST);
        elsewhere.setPort(LocalServices.RABBIT_PORT);
        elsewhere.setUsername(BROKER_USER);
        elsewhere.setPassword(BROKER_PASSWORD);
        elsewhere.setVirtualHost("/");
        assertThatThrownBy(() -> elsewhere.newConnection().close()).as("the broker user outside its vhost")
                .rootCause().hasMessageContaining("access to vhost '/' refused");
    }

    @Test
    @Order(2)
    void placeholderAndDefaultSecretsStopTheServiceNamingEachSetting() {
        worker.stop();
        api.stop();
        Map<String, String> env = production();
        env.put("QUARKUS_FLYWAY_USERNAME", MIGRATOR);
        env.put("QUARKUS_FLYWAY_PASSWORD", MIGRATOR_PASSWORD);
        // What deploy/prod.env.example holds, and the broker's default login.
        env.put("API_KEYS", "change-me-key-1,change-me-key-2");
        env.put("RABBITMQ_USERNAME", "guest");
        env.put("RABBITMQ_PASSWORD", "guest");
        env.put("RABBITMQ_VIRTUAL_HOST", VHOST);
        ServiceProcess refused = new ServiceProcess("api-service-placeholders", "e2e.api-service.jar", env).freshLog();
        int exit = refused.startExpectingExit(Duration.ofSeconds(90));
        assertThat(exit).as("exit code; log:\n%s", refused.logTail(40)).isNotZero();
        assertThat(refused.logContains("refusing to start with secrets unfit for production")).as(refused.logTail(40))
                .isTrue();
        assertThat(refused.logContains("API_KEYS (api.keys): entry 1 is a placeholder")).isTrue();
        assertThat(refused.logContains("API_KEYS (api.keys): entry 2 is a placeholder")).isTrue();
        assertThat(refused.logContains("RABBITMQ_PASSWORD (rabbitmq.password): is a well-known default")).isTrue();
        assertThat(refused.logContains("change-me-key-1")).as("the value itself is never logged").isFalse();

        // The same settings with ALLOW_DEV_SECRETS=true (a local run) start.
        env.put("ALLOW_DEV_SECRETS", "true");
        ServiceProcess local = new ServiceProcess("api-service-dev-secrets", "e2e.api-service.jar", env).start();
        local.stop();
    }

    /** A packaged service's production environment: the runtime role, the vhost-limited user, no dev secrets. */
    /**
     * LOG_JSON=true: once the service has started (boot lines stay text, see JsonConsoleLog) every line is one JSON
     * object with a level and a message, and the line saying the notification was sent carries the request's
     * correlation id in its MDC.
     */
    private static void assertJsonLog(ServiceProcess service, String notificationId) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> all = service.logLines("");
        List<String> lines = all.stream().dropWhile(line -> !line.startsWith("{")).toList();
        assertThat(lines).as("JSON lines of %s", service.name()).isNotEmpty();
        for (String line : lines) {
            JsonNode record = json.readTree(line);
            assertThat(record.isObject()).as(line).isTrue();
            assertThat(record.path("level").asText()).as(line).isNotEmpty();
            assertThat(record.has("message")).as(line).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(service.logLines(notificationId))
                .anySatisfy(line -> {
                    JsonNode record = json.readTree(line);
                    assertThat(record.path("message").asText()).contains("sent over email");
                    assertThat(record.path("mdc").path("correlationId").asText()).isEqualTo("e2e-json-log");
                }));
    }

    private static Map<String, String> production() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", APP);
        env.put("QUARKUS_DATASOURCE_PASSWORD", APP_PASSWORD);
        env.put("RABBITMQ_HOST", LocalServices.RABBIT_HOST);
        env.put("RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT));
        env.put("RABBITMQ_USERNAME", BROKER_USER);
        env.put("RABBITMQ_PASSWORD", BROKER_PASSWORD);
        env.put("RABBITMQ_VIRTUAL_HOST", VHOST);
        env.put("ALLOW_DEV_SECRETS", null); // ServiceProcess sets it for the other suites; production has none
        return env;
    }

    private static void dropEverything() throws SQLException {
        try (Connection c = DriverManager.getConnection(LocalServices.jdbcUrl("postgres"), LocalServices.PG_USER,
                "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + DATABASE + "\" WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + APP);
            s.execute("DROP ROLE IF EXISTS " + MIGRATOR);
        }
        LocalServices.management(LocalServices.RABBIT_MANAGEMENT_PORT, "DELETE",
                "/api/users/" + URLEncoder.encode(BROKER_USER, StandardCharsets.UTF_8), null, true);
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
