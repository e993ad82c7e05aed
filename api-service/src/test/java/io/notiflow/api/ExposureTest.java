package io.notiflow.api;

import io.notiflow.core.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What anyone who can reach the API port sees: no /q/* (health, metrics, OpenAPI live on the management interface,
 * bound to 127.0.0.1), and browser hardening headers on the API and the console.
 */
@QuarkusTest
class ExposureTest {

    @Test
    void theApiPortServesNothingUnderQ() {
        for (String path : new String[] {"/q/metrics", "/q/openapi", "/q/health", "/q/health/ready", "/q/swagger-ui"}) {
            Response answer = RestAssured.get(path);
            assertThat(answer.statusCode()).as("GET %s on the API port", path).isEqualTo(404);
            assertThat(answer.asString()).doesNotContain("notiflow_", "openapi", "\"checks\"");
        }
    }

    @Test
    void theManagementInterfaceServesHealthMetricsAndTheDocument() {
        RestAssured.get(Management.url("/q/health/ready")).then().statusCode(200);
        assertThat(RestAssured.get(Management.url("/q/metrics")).then().statusCode(200).extract().asString())
                .contains("notiflow_queue_depth");
        assertThat(RestAssured.get(Management.url("/q/openapi?format=json")).then().statusCode(200).extract()
                .asString()).contains("/api/notify");
    }

    @Test
    void theManagementInterfaceListensOnLoopbackOnly() throws IOException {
        URI management = URI.create(Management.baseUrl());
        assertThat(management.getHost()).isEqualTo("127.0.0.1");
        // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 does not answer there; one bound to every
        // interface does (the control below), as the management interface did before.
        try (ServerSocket everywhere = new ServerSocket()) {
            everywhere.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            try (Socket control = new Socket()) {
                control.connect(new InetSocketAddress("127.0.0.2", everywhere.getLocalPort()), 2000);
            }
        }
        try (Socket onLoopback = new Socket()) {
            onLoopback.connect(new InetSocketAddress("127.0.0.1", management.getPort()), 2000);
        }
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", management.getPort()), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void apiAnswersMayRunNothingAndCannotBeFramed() {
        assertApiHeaders(api().get("/api/notifications/" + UUID.randomUUID()), 404);
        assertApiHeaders(RestAssured.given().get("/api/stats"), 401);
        assertApiHeaders(api().get("/api/stats"), 200);
    }

    @Test
    void theConsoleRunsOnlyItsOwnScriptsAndCannotBeFramed() {
        for (String path : new String[] {"/console/", "/console/app.js", "/console/console.css"}) {
            Response answer = RestAssured.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            String csp = answer.header("Content-Security-Policy");
            assertThat(csp).as("%s CSP", path).contains("default-src 'none'", "script-src 'self'",
                    "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
            assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
        // The API sends no CORS grant: another origin's page cannot read it.
        Response preflight = RestAssured.given().header("Origin", "https://evil.example.test")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-api-key,content-type").options("/api/notify");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }

    private static void assertApiHeaders(Response answer, int status) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
}
