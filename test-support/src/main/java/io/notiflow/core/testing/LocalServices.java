package io.notiflow.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;

/**
 * The real local PostgreSQL and RabbitMQ the tests talk to (no Docker here). Each test suite gets its own
 * database and virtual host, created on demand, so suites never see each other's rows or queues.
 */
public final class LocalServices {

    public static final String PG_HOST = env("TEST_PG_HOST", "127.0.0.1");
    public static final int PG_PORT = Integer.parseInt(env("TEST_PG_PORT", "5432"));
    public static final String PG_USER = env("TEST_PG_USER", "postgres");
    public static final String RABBIT_HOST = env("TEST_RABBITMQ_HOST", "127.0.0.1");
    public static final int RABBIT_PORT = Integer.parseInt(env("TEST_RABBITMQ_PORT", "5672"));
    public static final int RABBIT_MANAGEMENT_PORT = Integer.parseInt(env("TEST_RABBITMQ_MANAGEMENT_PORT", "15672"));

    private LocalServices() {
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database;
    }

    /** Drops and re-creates {@code database}, so a suite starts from an empty schema. */
    public static void recreateDatabase(String database) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), PG_USER, "postgres");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + database + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + database + " on " + PG_HOST + ":"
                    + PG_PORT + " (is PostgreSQL running?)", e);
        }
    }

    /** Deletes and re-creates virtual host {@code vhost} through the management API, with guest allowed in it. */
    public static void recreateVhost(String vhost) {
        recreateVhost(RABBIT_MANAGEMENT_PORT, vhost);
    }

    /** The same on the broker whose management API listens on {@code managementPort} of {@link #RABBIT_HOST}. */
    public static void recreateVhost(int managementPort, String vhost) {
        String path = "/api/vhosts/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        management(managementPort, "DELETE", path, null, true);
        management(managementPort, "PUT", path, "{}", false);
        management(managementPort, "PUT", "/api/permissions/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8)
                + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", false);
    }

    /**
     * One call to the management API on {@code managementPort} as guest; the answer's body. A status of 300 or more
     * fails, except a 404 when {@code notFoundOk}.
     */
    public static String management(int managementPort, String method, String path, String body, boolean notFoundOk) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + RABBIT_HOST + ":" + managementPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 300 && !(notFoundOk && status == 404)) {
                throw new IllegalStateException(method + " " + path + " answered " + status + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("RabbitMQ management API unreachable on port " + managementPort
                    + " (is the rabbitmq_management plugin enabled?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
