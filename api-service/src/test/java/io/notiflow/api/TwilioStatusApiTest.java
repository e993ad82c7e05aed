package io.notiflow.api;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.AttemptOutcome;
import io.notiflow.core.store.DeliveryStore;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.sim.TwilioSignature;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/**
 * Twilio's status callbacks through the real endpoint: signatures computed as Twilio computes them, over the
 * configured PUBLIC_BASE_URL ({@code %test}: https://api.notiflow.test/) with TWILIO_AUTH_TOKEN.
 */
@QuarkusTest
class TwilioStatusApiTest {

    private static final String TOKEN = "test-twilio-auth-token";
    private static final String URL = "https://api.notiflow.test/api/providers/twilio/status";

    @Inject
    NotificationRepository notifications;
    @Inject
    DeliveryStore store;

    @Test
    void aSignedDeliveredCallbackMovesASentSmsToDeliveredOnce() {
        Notification sms = sms(NotificationStatus.SENT, "SM" + "a".repeat(32));

        signed(sms.id, fields(sms.providerMessageId, "sent")).then().statusCode(204);
        assertThat(row(sms.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.SENT);

        signed(sms.id, fields(sms.providerMessageId, "delivered")).then().statusCode(204);
        Notification delivered = row(sms.id.toString()).orElseThrow();
        assertThat(delivered.status).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(delivered.deliveredAt).isNotNull();
        assertThat(delivered.providerStatus).isEqualTo("delivered");

        // Repeated, and a contradicting late report: a final status never moves.
        signed(sms.id, fields(sms.providerMessageId, "delivered")).then().statusCode(204);
        Map<String, String> late = fields(sms.providerMessageId, "undelivered");
        late.put("ErrorCode", "30003");
        signed(sms.id, late).then().statusCode(204);
        Notification after = row(sms.id.toString()).orElseThrow();
        assertThat(after.status).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(after.deliveredAt).isEqualTo(delivered.deliveredAt);
        api().get("/api/notifications/" + sms.id).then().statusCode(200)
                .body("reason", startsWith("delivered: Twilio reported it delivered at "));
    }

    @Test
    void anUndeliveredCallbackFailsTheSmsWithTwiliosErrorCodeAndAnEvent() {
        Notification sms = sms(NotificationStatus.SENT, "SM" + "b".repeat(32));
        Map<String, String> undelivered = fields(sms.providerMessageId, "undelivered");
        undelivered.put("ErrorCode", "30003");

        signed(sms.id, undelivered).then().statusCode(204);

        Notification failed = row(sms.id.toString()).orElseThrow();
        assertThat(failed.status).isEqualTo(NotificationStatus.FAILED);
        assertThat(failed.lastError).startsWith("twilio-30003");
        api().get("/api/notifications/" + sms.id).then().statusCode(200)
                .body("events[-1].type", equalTo("undelivered"))
                .body("events[-1].errorClass", equalTo("twilio-30003"))
                .body("reason", equalTo("failed: Twilio reported it undelivered (twilio-30003)"));

        Notification other = sms(NotificationStatus.SENT, "SM" + "c".repeat(32));
        signed(other.id, fields(other.providerMessageId, "failed")).then().statusCode(204);
        assertThat(row(other.id.toString()).orElseThrow().lastError).startsWith("twilio-failed");
    }

    @Test
    void aReceiptBeforeTheWorkersVerdictIsKeptByTheVerdict() {
        Notification sms = sms(NotificationStatus.QUEUED, null);
        assertThat(store.claim(sms.id, Duration.ofMinutes(1)).claimed()).isTrue();

        // Twilio's callback comes in while the worker is still writing its sent verdict.
        signed(sms.id, fields("SM" + "d".repeat(32), "delivered")).then().statusCode(204);
        assertThat(store.markSent(new DeliveryStore.Attempt(sms.id, 1, AttemptOutcome.SENT, null, null, 40),
                "SM" + "d".repeat(32))).isTrue();

        Notification settled = row(sms.id.toString()).orElseThrow();
        assertThat(settled.status).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(settled.providerMessageId).isEqualTo("SM" + "d".repeat(32));
        assertThat(settled.sentAt).isNotNull();
    }

    @Test
    void aMissingOrWrongSignatureIs403AndChangesNothing() {
        Notification sms = sms(NotificationStatus.SENT, "SM" + "e".repeat(32));
        Map<String, String> delivered = fields(sms.providerMessageId, "delivered");

        callback(sms.id, delivered, null).then().statusCode(403)
                .body("detail", equalTo("X-Twilio-Signature is missing"));
        callback(sms.id, delivered, TwilioSignature.of("another-token", URL + "?id=" + sms.id, delivered)).then().statusCode(403);
        callback(sms.id, delivered, TwilioSignature.of(TOKEN, URL + "?id=" + UUID.randomUUID(), delivered)).then().statusCode(403);
        callback(sms.id, delivered, TwilioSignature.of(TOKEN, "http://localhost:8081/api/providers/twilio/status?id=" + sms.id,
                delivered)).then().statusCode(403);
        Map<String, String> tampered = new TreeMap<>(delivered);
        String signature = TwilioSignature.of(TOKEN, URL + "?id=" + sms.id, tampered);
        tampered.put("ErrorCode", "30003");
        callback(sms.id, tampered, signature).then().statusCode(403);

        // A few hundred forged callbacks with random fields and signatures: never a 5xx, never a change.
        Random random = new Random(20261207);
        for (int i = 0; i < 300; i++) {
            Map<String, String> noise = new HashMap<>(delivered);
            noise.put(random.nextBoolean() ? "MessageStatus" : "F" + i, Long.toString(random.nextLong(), 36));
            String forged = Base64.getEncoder().encodeToString(Long.toString(random.nextLong()).getBytes());
            int status = callback(sms.id, noise, forged).statusCode();
            assertThat(status).as("forged callback %d", i).isEqualTo(403);
        }
        assertThat(row(sms.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.SENT);
    }

    @Test
    void badCallbacksAreNamedAndNeedNoApiKey() {
        Notification sms = sms(NotificationStatus.SENT, "SM" + "f".repeat(32));

        // Not a form: 415 before anything else.
        RestAssured.given().contentType("application/json").body("{\"MessageStatus\":\"delivered\"}")
                .queryParam("id", sms.id).post("/api/providers/twilio/status").then().statusCode(415);
        // Signed, but without the fields a callback has.
        Map<String, String> empty = new TreeMap<>(Map.of("AccountSid", "AC0"));
        callback(sms.id, empty, TwilioSignature.of(TOKEN, URL + "?id=" + sms.id, empty)).then().statusCode(400)
                .body("fields", hasKey("MessageSid")).body("fields", hasKey("MessageStatus"));
        UUID unknown = UUID.randomUUID();
        Map<String, String> delivered = fields("SM" + "0".repeat(32), "delivered");
        callback(unknown, delivered, TwilioSignature.of(TOKEN, URL + "?id=" + unknown, delivered)).then().statusCode(404);
        callback(sms.id, delivered, TwilioSignature.of(TOKEN, URL + "?id=" + sms.id, delivered)).then().statusCode(409);
        assertThat(row(sms.id.toString()).orElseThrow().status).isEqualTo(NotificationStatus.SENT);
    }

    private Notification sms(NotificationStatus status, String providerMessageId) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = Channel.SMS;
        row.receiver = "+14155550177";
        row.message = "receipt test";
        row.status = status;
        row.providerMessageId = providerMessageId;
        row.sentAt = status == NotificationStatus.SENT ? now : null;
        row.correlationId = "receipt-" + row.id;
        row.createdAt = now;
        row.updatedAt = now;
        row.publishedAt = now;
        QuarkusTransaction.requiringNew().run(() -> notifications.persist(row));
        return row;
    }

    private static Map<String, String> fields(String sid, String status) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("MessageSid", sid);
        fields.put("SmsSid", sid);
        fields.put("MessageStatus", status);
        fields.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        fields.put("To", "+14155550177");
        fields.put("ApiVersion", "2010-04-01");
        return fields;
    }

    private static Response signed(UUID id, Map<String, String> fields) {
        return callback(id, fields, TwilioSignature.of(TOKEN, URL + "?id=" + id, fields));
    }

    private static Response callback(UUID id, Map<String, String> fields, String signature) {
        RequestSpecification request = RestAssured.given()
                .contentType("application/x-www-form-urlencoded; charset=utf-8")
                .queryParam("id", id.toString()).formParams(fields);
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        return request.post("/api/providers/twilio/status");
    }
}
