package io.notiflow.api;

import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.BrokerProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static io.notiflow.api.TemplateApiTest.saveTemplate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;

/** POST /api/notify naming users and templates: resolution, preferences, fan-out, idempotency, versions. */
@QuarkusTest
class NotifyUsersTest {

    private static String user(String json) {
        String id = "u-" + UUID.randomUUID();
        api().body("{\"id\":\"" + id + "\"," + json + "}").post("/api/users")
                .then().log().ifValidationFails().statusCode(201);
        return id;
    }

    @Test
    void rendersTheUsersTemplateAtAcceptTimeAndQueuesIt() throws Exception {
        String code = TemplateApiTest.code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Welcome {{name}}","body":"Hello {{name}} & co",
                 "html":"<p>Hello {{name}}</p>"}""".formatted(code));
        String ada = user("\"email\":\"ada@example.com\"");

        String id = api().body("""
                        {"type":"email","user_id":"%s","template_code":"%s","variables":{"name":"<Ada>"}}"""
                        .formatted(ada, code))
                .post("/api/notify")
                .then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("", not(hasKey("notifications")))
                .extract().path("messageId");

        Notification stored = row(id).orElseThrow();
        assertThat(stored.receiver).isEqualTo("ada@example.com");
        assertThat(stored.userId).isEqualTo(ada);
        assertThat(stored.subject).isEqualTo("Welcome <Ada>");
        assertThat(stored.message).isEqualTo("Hello <Ada> & co");
        assertThat(stored.html).isEqualTo("<p>Hello &lt;Ada&gt;</p>");
        assertThat(stored.templateCode).isEqualTo(code);
        assertThat(stored.templateVersion).isEqualTo(1);
        assertThat(stored.templateVariables).containsEntry("name", "<Ada>");
        NotifyApiTest.awaitJobs("notifications.email", id, 1);
    }

    @Test
    void aNewTemplateVersionDoesNotChangeWhatWasAlreadyAccepted() {
        String code = TemplateApiTest.code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"v1 for {{name}}"}""".formatted(code));
        String body = """
                {"type":"sms","to":"+14155550123","template_code":"%s","variables":{"name":"Ada"}}""".formatted(code);
        String first = api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"v2 for {{name}}"}""".formatted(code));
        String second = api().body(body).post("/api/notify").then().statusCode(202).extract().path("messageId");

        assertThat(row(first).orElseThrow().message).isEqualTo("v1 for Ada");
        assertThat(row(first).orElseThrow().templateVersion).isEqualTo(1);
        assertThat(row(second).orElseThrow().message).isEqualTo("v2 for Ada");
        assertThat(row(second).orElseThrow().templateVersion).isEqualTo(2);
    }

    @Test
    void picksTheTemplateVariantOfEachUsersLocale() {
        String code = TemplateApiTest.code();
        saveTemplate("""
                {"code":"%s","channel":"inapp","title":"Hi","body":"Hello {{name}}"}""".formatted(code));
        saveTemplate("""
                {"code":"%s","channel":"inapp","locale":"pt","title":"Oi","body":"Olá {{name}}"}""".formatted(code));
        String brazilian = user("\"locale\":\"pt-BR\"");
        String german = user("\"locale\":\"de\"");

        JsonPath answer = api().body("""
                        {"type":"inapp","user_ids":["%s","%s"],"template_code":"%s","variables":{"name":"Ada"}}"""
                        .formatted(brazilian, german, code))
                .post("/api/notify").then().statusCode(202).body("notifications", hasSize(2))
                .extract().jsonPath();

        Notification pt = row(answer.getString("notifications[0].messageId")).orElseThrow();
        Notification de = row(answer.getString("notifications[1].messageId")).orElseThrow();
        assertThat(pt.message).isEqualTo("Olá Ada");
        assertThat(pt.receiver).isEqualTo(brazilian);
        assertThat(de.message).isEqualTo("Hello Ada");
    }

    @Test
    void fansOutToEveryUserAndSkipsThoseOptedOutOrWithoutAnAddress() throws Exception {
        String reachable = user("\"phone\":\"+14155550150\"");
        String optedOut = user("\"phone\":\"+14155550151\",\"preferences\":{\"sms\":false}");
        String noPhone = user("\"email\":\"nophone@example.com\"");
        String marketingOptOut = user("\"phone\":\"+14155550152\","
                + "\"preferences\":{\"categories\":{\"marketing\":{\"sms\":false}}}");

        JsonPath answer = api().body("""
                        {"type":"sms","user_ids":["%s","%s","%s","%s"],"message":"Sale!","category":"marketing"}"""
                        .formatted(reachable, optedOut, noPhone, marketingOptOut))
                .post("/api/notify").then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("notifications", hasSize(4))
                .body("notifications.userId", equalTo(List.of(reachable, optedOut, noPhone, marketingOptOut)))
                .body("notifications.status", equalTo(List.of("queued", "skipped", "skipped", "skipped")))
                .body("notifications[1].reason", containsString("opted out of sms"))
                .body("notifications[2].reason", containsString("no phone number"))
                .body("notifications[3].reason", containsString("category marketing"))
                .extract().jsonPath();
        List<String> ids = answer.getList("notifications.messageId", String.class);

        Notification sent = row(ids.get(0)).orElseThrow();
        assertThat(sent.receiver).isEqualTo("+14155550150");
        assertThat(sent.status).isEqualTo(NotificationStatus.QUEUED);
        Notification skipped = row(ids.get(2)).orElseThrow();
        assertThat(skipped.status).isEqualTo(NotificationStatus.SKIPPED);
        assertThat(skipped.receiver).isNull();
        assertThat(skipped.skipReason).contains("no phone number");
        assertThat(skipped.publishedAt).as("nothing to publish").isNotNull();
        assertThat(skippedRowsSql(ids)).isEqualTo(3L);

        NotifyApiTest.awaitJobs("notifications.sms", ids.get(0), 1);
        Thread.sleep(1500); // one relay sweep: a skipped row would have been published by now
        try (BrokerProbe probe = new BrokerProbe(ApiTestSupport.VHOST)) {
            assertThat(probe.drain("notifications.sms"))
                    .noneMatch(m -> ids.subList(1, 4).contains(m.properties().getMessageId()));
        }
    }

    @Test
    void aSingleSkippedUserIsAnsweredAsSkippedWithTheReason() {
        String optedOut = user("\"email\":\"quiet@example.com\",\"preferences\":{\"email\":false}");
        api().body("""
                        {"type":"email","user_id":"%s","subject":"s","message":"m"}""".formatted(optedOut))
                .post("/api/notify").then().statusCode(202)
                .body("status", equalTo("skipped"))
                .body("reason", containsString("opted out of email"))
                .body("messageId", not(equalTo(null)));
    }

    @Test
    void aUserGetsAPushOnEveryLiveDevice() {
        String phoneAndTablet = user("\"push_tokens\":[\"fcm-token-phone-aaaaaaaaaaaaaa\","
                + "\"fcm-token-tablet-aaaaaaaaaaaaa\",\"fcm-token-dead-aaaaaaaaaaaaaaa\"]");
        api().body("""
                        {"channel":"push","address":"fcm-token-dead-aaaaaaaaaaaaaaa","reason":"FCM answered UNREGISTERED"}""")
                .post("/api/suppressions").then().statusCode(oneOf(201, 409)); // 409: an earlier run added it

        List<String> ids = api().body("""
                        {"type":"push","user_id":"%s","title":"Hi","message":"Ping"}""".formatted(phoneAndTablet))
                .post("/api/notify").then().statusCode(202)
                .body("notifications", hasSize(2))
                .extract().jsonPath().getList("notifications.messageId", String.class);
        assertThat(ids).map(id -> row(id).orElseThrow().receiver)
                .containsExactly("fcm-token-phone-aaaaaaaaaaaaaa", "fcm-token-tablet-aaaaaaaaaaaaa");
        api().get("/api/users/" + phoneAndTablet).then()
                .body("dead_push_tokens", equalTo(List.of("fcm-token-dead-aaaaaaaaaaaaaaa")));
    }

    @Test
    void aToListMakesOneNotificationPerAddress() {
        List<Map<String, Object>> listed = api().body("""
                        {"type":"sms","to":["+14155550160","+1 415 555 0161"],"message":"Hi"}""")
                .post("/api/notify").then().statusCode(202)
                .body("status", equalTo("queued"))
                .extract().jsonPath().getList("notifications");
        assertThat(listed).extracting(e -> e.get("to")).containsExactly("+14155550160", "+14155550161");

        api().body("""
                        {"type":"sms","to":["+14155550160","0612345678"],"message":"Hi"}""")
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("to[1]"));
        api().body("""
                        {"type":"sms","to":["+14155550160",7],"message":"Hi"}""")
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("to[1]"));
    }

    @Test
    void aRepeatedFanOutGetsTheSameAnswerAndQueuesNothingNew() {
        String a = user("\"email\":\"a@example.com\"");
        String b = user("\"email\":\"b@example.com\",\"preferences\":{\"email\":false}");
        String body = """
                {"type":"email","user_ids":["%s","%s"],"subject":"S","message":"M","request_id":"fan-%s"}"""
                .formatted(a, b, UUID.randomUUID());

        Map<String, Object> first = api().body(body).post("/api/notify").then().statusCode(202)
                .extract().jsonPath().getMap("");
        long rows = rowCount();
        Map<String, Object> second = api().body(body).post("/api/notify").then().statusCode(202)
                .extract().jsonPath().getMap("");

        assertThat(second).isEqualTo(first);
        assertThat(rowCount()).isEqualTo(rows);
    }

    @Test
    void badUserAndTemplateRequestsAreNamedAndStoreNothing() {
        String code = TemplateApiTest.code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Order {{order}}"}""".formatted(code));
        String ada = user("\"email\":\"ada@example.com\"");
        long before = rowCount();

        api().body("""
                        {"type":"email","user_id":"%s","template_code":"%s","variables":{"name":"Ada"}}"""
                        .formatted(ada, code))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("variables.order"));
        api().body("""
                        {"type":"email","user_id":"%s","template_code":"no-such-template","variables":{}}"""
                        .formatted(ada))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("template_code"));
        api().body("""
                        {"type":"sms","user_id":"%s","template_code":"%s","variables":{}}""".formatted(ada, code))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("template_code"));
        api().body("""
                        {"type":"email","user_ids":["%s","u-nobody-%s"],"subject":"s","message":"m"}"""
                        .formatted(ada, UUID.randomUUID()))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("user_ids[1]"));
        api().body("""
                        {"type":"email","user_id":"%s","template_code":"%s","subject":"mine","variables":{"name":"A","order":1}}"""
                        .formatted(ada, code))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("subject"));
        api().body("""
                        {"type":"email","user_id":"%s","template_code":"%s","variables":{"name":"A\\r\\nBcc: x@y.co","order":1}}"""
                        .formatted(ada, code))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("template.subject"));
        assertThat(rowCount()).isEqualTo(before);
    }

    private static long skippedRowsSql(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) CDI.current().select(EntityManager.class).get()
                .createNativeQuery("SELECT count(*) FROM notifications WHERE status = 'skipped'"
                        + " AND skip_reason IS NOT NULL AND id IN (?1, ?2, ?3)")
                .setParameter(1, UUID.fromString(ids.get(1)))
                .setParameter(2, UUID.fromString(ids.get(2)))
                .setParameter(3, UUID.fromString(ids.get(3)))
                .getSingleResult()).longValue());
    }
}
