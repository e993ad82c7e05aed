package io.notiflow.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.notiflow.core.testing.LocalServices;
import io.notiflow.sim.TwilioSignature;
import io.notiflow.sim.TwilioStatusCallbacks;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * SMS delivery receipts end to end: sms-worker sends through the real Twilio SDK to the provider simulator (the
 * sim/twilio stubs with the simulator's status callbacks), which posts signed callbacks to api-service's
 * PUBLIC_BASE_URL; api-service checks each signature with the SDK's RequestValidator and moves the notification on.
 */
@ExtendWith(ThreadDumpOnFailure.class)
class SmsReceiptsIT {

    static final String DATABASE = "notiflow_test_e2e_sms";
    static final String VHOST = "notiflow-test-e2e-sms";
    static final String API_KEY = "e2e-sms-key";
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "e2e-twilio-auth-token";

    private static WireMockServer simulator;
    private static ServiceProcess api;
    private static ServiceProcess worker;

    @BeforeAll
    static void startPlatform() {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        simulator = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory("../sim/twilio").extensions(new TwilioStatusCallbacks()));
        simulator.start();

        Map<String, String> infrastructure = Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_HOST", LocalServices.RABBIT_HOST,
                "RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT),
                "RABBITMQ_VIRTUAL_HOST", VHOST,
                "TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        Map<String, String> apiEnv = new HashMap<>(infrastructure);
        apiEnv.put("API_KEYS", API_KEY);
        api = new ServiceProcess("api-service", "e2e.api-service.jar", apiEnv);
        api.env("PUBLIC_BASE_URL", api.baseUrl());
        Map<String, String> workerEnv = new HashMap<>(infrastructure);
        workerEnv.putAll(Map.of(
                "TWILIO_API_URL", "http://127.0.0.1:" + simulator.port(),
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "TWILIO_PHONE_NUMBER", "+15005550006",
                "PUBLIC_BASE_URL", api.baseUrl(),
                "RETRY_DELAYS", "1s,2s,3s"));
        worker = new ServiceProcess("sms-worker", "e2e.sms-worker.jar", workerEnv);
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
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void aSignedDeliveredCallbackMovesTheSmsToDelivered() throws Exception {
        String id = accept("+14155550142");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(id)).isEqualTo("delivered"));

        JsonPath view = notification(id);
        assertThat(view.getString("providerMessageId")).matches("SM[0-9a-f]{32}");
        assertThat(view.getString("deliveredAt")).isNotNull();
        assertThat(view.getString("sentAt")).isNotNull();
        assertThat(view.<String>getList("events.type")).endsWith("claimed", "attempt", "sent", "delivered");
        assertThat(view.getString("reason")).startsWith("delivered: Twilio reported it delivered at ");
        assertThat(sql("SELECT status, provider_status FROM notifications WHERE id = '" + id + "'"))
                .containsExactly(List.of("delivered", "delivered"));
    }

    @Test
    void anUndeliveredCallbackFailsTheSmsWithTwiliosErrorCode() throws Exception {
        String id = accept("+14155530003"); // the simulator reports a number ending in 30003 undelivered

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(id)).isEqualTo("failed"));

        JsonPath view = notification(id);
        assertThat(view.getString("lastError")).startsWith("twilio-30003");
        assertThat(view.<String>getList("events.type")).endsWith("sent", "undelivered");
        assertThat(view.getString("events[-1].errorClass")).isEqualTo("twilio-30003");
        assertThat(view.getString("events[-1].outcome")).isEqualTo("undelivered");
        assertThat(view.getString("reason")).isEqualTo("failed: Twilio reported it undelivered (twilio-30003)");
        assertThat(sql("SELECT status FROM notifications WHERE status = 'failed' AND id = '" + id + "'"))
                .containsExactly(List.of("failed"));
    }

    @Test
    void aForgedOrUnsignedCallbackIs403AndChangesNothing() throws Exception {
        String id = accept("+14155550143");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(id)).isEqualTo("delivered"));
        String sid = notification(id).getString("providerMessageId");
        String url = api.baseUrl() + "/api/providers/twilio/status?id=" + id;
        Map<String, String> undelivered = new TreeMap<>(Map.of("MessageSid", sid, "MessageStatus", "undelivered",
                "AccountSid", ACCOUNT_SID, "ErrorCode", "30005"));

        callback(id, undelivered, null).then().statusCode(403)
                .body("detail", equalTo("X-Twilio-Signature is missing"));
        callback(id, undelivered, TwilioSignature.of("another-token", url, undelivered))
                .then().statusCode(403);
        // Signed for another notification's URL: the signature covers the id.
        callback(id, undelivered, TwilioSignature.of(AUTH_TOKEN,
                api.baseUrl() + "/api/providers/twilio/status?id=" + UUID.randomUUID(), undelivered))
                .then().statusCode(403);
        assertThat(status(id)).isEqualTo("delivered");

        // Correctly signed but late and out of order: a final status is never overwritten.
        callback(id, undelivered, TwilioSignature.of(AUTH_TOKEN, url, undelivered))
                .then().statusCode(204);
        assertThat(status(id)).isEqualTo("delivered");
        assertThat(notification(id).<String>getList("events.type")).doesNotContain("undelivered");
        // Repeated: the same answer, still nothing changes.
        Map<String, String> delivered = new TreeMap<>(undelivered);
        delivered.put("MessageStatus", "delivered");
        delivered.remove("ErrorCode");
        callback(id, delivered, TwilioSignature.of(AUTH_TOKEN, url, delivered)).then().statusCode(204);
        assertThat(notification(id).<String>getList("events.type")).containsOnlyOnce("delivered");
    }

    private static Response callback(String id, Map<String, String> fields, String signature) {
        RequestSpecification request = RestAssured.given().baseUri(api.baseUrl())
                .contentType("application/x-www-form-urlencoded; charset=utf-8")
                .queryParam("id", id).formParams(fields);
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        return request.post("/api/providers/twilio/status");
    }

    private static String accept(String to) {
        return RestAssured.given().baseUri(api.baseUrl()).header("X-API-Key", API_KEY).contentType(ContentType.JSON)
                .body("{\"type\":\"sms\",\"to\":\"" + to + "\",\"message\":\"Your code is 4711\"}")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    private static JsonPath notification(String id) {
        return RestAssured.given().baseUri(api.baseUrl()).header("X-API-Key", API_KEY)
                .get("/api/notifications/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static String status(String id) {
        return notification(id).getString("status");
    }

    private static List<List<String>> sql(String query) throws SQLException {
        return E2eSql.rows(DATABASE, query);
    }
}
