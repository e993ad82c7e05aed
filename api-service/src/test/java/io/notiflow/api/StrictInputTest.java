package io.notiflow.api;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;

/**
 * Input that used to pass and then fail (a 5xx) or silently change what is sent: every field is checked against
 * the column it lands in, NUL is refused everywhere, unknown fields and trailing data are errors, a body must say
 * it is JSON, the body limit holds when chunked, and to/user_id together are ambiguous.
 */
@QuarkusTest
class StrictInputTest {

    private static final String EMAIL = "{\"type\":\"email\",\"to\":\"strict@example.com\",\"subject\":\"s\","
            + "\"message\":\"m\"";

    private long rowsBefore;

    @BeforeEach
    void countRows() {
        rowsBefore = rowCount();
    }

    private static String user(String json) {
        String id = "u-" + UUID.randomUUID();
        api().body("{\"id\":\"" + id + "\"" + (json.isEmpty() ? "" : "," + json) + "}").post("/api/users")
                .then().log().ifValidationFails().statusCode(201);
        return id;
    }

    // ------------------------------------------------------------------ item 4: fields against their columns

    @ParameterizedTest(name = "a {0}-character push token is refused")
    @CsvSource({"513", "600", "4096"})
    void aPushTokenLongerThanAReceiverIsA400NotA503(int length) {
        String token = "t".repeat(length);
        api().body("{\"type\":\"push\",\"to\":\"" + token + "\",\"message\":\"m\"}").post("/api/notify")
                .then().log().ifValidationFails().statusCode(400)
                .body("fields.to", containsString("20-512 characters"));
        api().body("{\"id\":\"u-" + UUID.randomUUID() + "\",\"push_tokens\":[\"" + token + "\"]}")
                .post("/api/users").then().statusCode(400).body("fields", hasKey("push_tokens[0]"));
        String id = user("");
        api().body("{\"token\":\"" + token + "\"}").post("/api/users/" + id + "/push_tokens")
                .then().statusCode(400).body("fields", hasKey("token"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void aTokenOf512CharactersIsStillAccepted() {
        api().body("{\"type\":\"push\",\"to\":\"" + "t".repeat(512) + "\",\"message\":\"m\"}").post("/api/notify")
                .then().statusCode(202);
    }

    @Test
    void aStoredTokenTodaysRuleRefusesIsSkippedAndTheUsersOtherDevicesStillGetThePush() {
        String good = "fcm-token-good-" + UUID.randomUUID();
        String id = user("\"push_tokens\":[\"" + good + "\"]");
        // Stored while the rule allowed 4,096 characters (device_tokens.token still does).
        String legacy = "L".repeat(1_000);
        QuarkusTransaction.requiringNew().run(() -> CDI.current().select(EntityManager.class).get()
                .createNativeQuery("INSERT INTO device_tokens (user_id, token) VALUES (?1, ?2)")
                .setParameter(1, id).setParameter(2, legacy).executeUpdate());

        JsonPath answer = api().body("{\"type\":\"push\",\"user_id\":\"" + id + "\",\"message\":\"Ping\"}")
                .post("/api/notify").then().log().ifValidationFails().statusCode(202)
                .body("notifications", hasSize(2))
                .extract().jsonPath();
        List<Map<String, Object>> listed = answer.getList("notifications");
        assertThat(listed).extracting(n -> n.get("status")).containsExactly("queued", "skipped");
        assertThat(row((String) listed.get(0).get("messageId")).orElseThrow().receiver).isEqualTo(good);
        String reason = (String) listed.get(1).get("reason");
        assertThat(reason).contains("not a valid device token").hasSizeLessThanOrEqualTo(255);
        assertThat(row((String) listed.get(1).get("messageId")).orElseThrow().receiver).isNull();

        // ... and the user can still remove it.
        api().delete("/api/users/" + id + "/push_tokens/" + legacy).then().statusCode(204);
    }

    @Test
    void nulInAQueryOrPathParameterIsA400NamingIt() {
        // (URL encoding off: the paths below are encoded already, %00 is the NUL character)
        api().urlEncodingEnabled(false).get("/api/notifications?receiver=a%00b").then().log().ifValidationFails().statusCode(400)
                .body("fields.receiver", containsString("NUL"));
        api().urlEncodingEnabled(false).get("/api/notifications?user_id=%00").then().statusCode(400).body("fields", hasKey("user_id"));
        api().urlEncodingEnabled(false).get("/api/dlq/email?limit=%00").then().statusCode(400).body("fields", hasKey("limit"));
        String id = user("\"push_tokens\":[\"fcm-token-nul-aaaaaaaaaaaaaaaa\"]");
        api().urlEncodingEnabled(false).delete("/api/users/" + id + "/push_tokens/fcm-token%00x").then().log().ifValidationFails()
                .statusCode(400).body("fields", hasKey("token"));
        api().urlEncodingEnabled(false).get("/api/users/a%00b").then().statusCode(400).body("fields", hasKey("id"));
        api().urlEncodingEnabled(false).delete("/api/templates/x?locale=e%00n").then().statusCode(400).body("fields", hasKey("locale"));
    }

    @ParameterizedTest(name = "{0}={1} is a 400")
    @CsvSource({"since,+999999999-12-31T23:59:59Z", "until,+294277-01-01T00:00:00Z", "since,-5000-01-01T00:00:00Z",
            "until,+10000-01-01T00:00:00Z"})
    void anInstantOutsideTheCalendarIsA400NotA503(String parameter, String value) {
        api().queryParam(parameter, value).get("/api/notifications").then().log().ifValidationFails()
                .statusCode(400).body("fields." + parameter, containsString("must be from"));
    }

    @Test
    void aFilterLongerThanItsColumnIsA400() {
        api().queryParam("receiver", "r".repeat(513)).get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("receiver"));
        api().queryParam("user_id", "u".repeat(129)).get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("user_id"));
        api().queryParam("since", "2020-01-01T00:00:00Z").queryParam("receiver", "r".repeat(512))
                .get("/api/notifications").then().statusCode(200);
    }

    @Test
    void aNumberTooLargeForJsonIsA400WhereverItIs() {
        String code = TemplateApiTest.code();
        TemplateApiTest.saveTemplate("{\"code\":\"" + code + "\",\"channel\":\"sms\",\"body\":\"Hi {{n}}\"}");
        api().body("{\"type\":\"sms\",\"to\":\"+14155550100\",\"template_code\":\"" + code
                        + "\",\"variables\":{\"n\":1e400}}")
                .post("/api/notify").then().log().ifValidationFails().statusCode(400)
                .body("fields.'variables.n'", containsString("too large"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    // ------------------------------------------------------------------ item 6: the body limit when chunked

    @Test
    void aChunkedBodyOverTheLimitIs413AndNothingIsStored() throws Exception {
        String id = "u-chunked-" + UUID.randomUUID();
        StringBuilder categories = new StringBuilder();
        for (int i = 0; categories.length() < 1_800_000; i++) {
            categories.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":{\"email\":false}");
        }
        byte[] body = ("{\"id\":\"" + id + "\",\"preferences\":{\"categories\":{" + categories + "}}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/users"))
                        .header("X-API-Key", ApiTestSupport.API_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JsonPath.from(answer.body()).getInt("status")).isEqualTo(413);
        api().get("/api/users/" + id).then().statusCode(404);
    }

    @Test
    void aChunkedBodyUnderTheLimitIsReadAsUsual() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String body : new String[] {EMAIL + "}", ""}) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + RestAssured.port + "/api/notify")).timeout(java.time.Duration.ofSeconds(10))
                    .header("X-API-Key", ApiTestSupport.API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(body.isEmpty() ? 400 : 202);
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413() {
        api().body(EMAIL.replace("\"m\"", "\"" + "y".repeat(1_100_000) + "\"") + "}").post("/api/notify")
                .then().statusCode(413).contentType("application/problem+json").body("fields", hasKey("body"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    // ------------------------------------------------------------------ item 7: strictness

    @ParameterizedTest(name = "trailing {0}")
    @CsvSource(delimiter = '|', textBlock = """
            a second object  | {"type":"sms"}
            garbage          | xyz
            a bracket        | ]
            a number         | 1
            """)
    void dataAfterTheObjectIsA400(String what, String trailing) {
        api().body(EMAIL + "} " + trailing).post("/api/notify").then().log().ifValidationFails().statusCode(400)
                .body("fields.body", containsString("data after the JSON value"));
        api().body("{\"id\":\"u-" + UUID.randomUUID() + "\"}" + trailing).post("/api/users").then().statusCode(400)
                .body("fields", hasKey("body"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void trailingWhitespaceIsFine() {
        api().body(EMAIL + "}\n \t\r\n").post("/api/notify").then().statusCode(202);
    }

    @Test
    void aBodyWithoutContentTypeIs415() {
        RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY).body((EMAIL + "}").getBytes())
                .post("/api/notify").then().log().ifValidationFails().statusCode(415)
                .contentType("application/problem+json").body("fields", hasKey("Content-Type"));
        RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY).contentType("text/plain")
                .body(EMAIL + "}").post("/api/notify").then().statusCode(415);
        RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY)
                .contentType("application/json; charset=ISO-8859-1").body(EMAIL + "}").post("/api/notify")
                .then().statusCode(415);
        assertThat(rowCount()).isEqualTo(rowsBefore);
        RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY).contentType("application/json")
                .body(EMAIL + "}").post("/api/notify").then().statusCode(202);
    }

    @Test
    void toTogetherWithUserIdIsAmbiguousAndTheOptOutIsNotBypassed() {
        String optedOut = user("\"email\":\"opted-out@example.com\",\"preferences\":{\"email\":false}");
        api().body("{\"type\":\"email\",\"to\":\"opted-out@example.com\",\"user_id\":\"" + optedOut
                        + "\",\"subject\":\"s\",\"message\":\"m\"}")
                .post("/api/notify").then().log().ifValidationFails().statusCode(400)
                .body("fields.user_id", containsString("cannot be combined with to"));
        api().body("{\"type\":\"email\",\"to\":[\"a@example.com\"],\"user_id\":\"" + optedOut
                        + "\",\"subject\":\"s\",\"message\":\"m\"}")
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("user_id"));
        api().body("{\"type\":\"email\",\"to\":\"a@example.com\",\"user_ids\":[\"" + optedOut
                        + "\"],\"subject\":\"s\",\"message\":\"m\"}")
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("user_ids"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
        // The user alone: their opt-out applies.
        api().body("{\"type\":\"email\",\"user_id\":\"" + optedOut + "\",\"subject\":\"s\",\"message\":\"m\"}")
                .post("/api/notify").then().statusCode(202).body("status", equalTo("skipped"));
    }

    // ------------------------------------------------------------------ item 12: unknown fields

    @Test
    void unknownFieldsAreA400NamingEach() {
        api().body(EMAIL + ",\"sned_at\":\"2030-01-01T00:00:00Z\",\"bogus\":1}").post("/api/notify")
                .then().log().ifValidationFails().statusCode(400)
                .body("fields.sned_at", containsString("not a field"))
                .body("fields.bogus", containsString("not a field"))
                .body("fields", org.hamcrest.Matchers.aMapWithSize(2));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /api/users                           | {"id":"u-unknown-field","emial":"a@b.co"}                    | emial
            PUT  | /api/users/u-unknown-field           | {"email":"a@b.co","locale":"en","prefs":{}}                  | prefs
            POST | /api/users/u-unknown-field/push_tokens | {"token":"fcm-token-0123456789abcdef","device":"phone"}   | device
            POST | /api/templates                       | {"code":"unknown-field","channel":"email","subject":"s","body":"b","bdy":"x"} | bdy
            POST | /api/templates/preview               | {"channel":"email","subject":"s","body":"b","vars":{}}       | vars
            POST | /api/templates/unknown-field/preview | {"channel":"email","variable":{}}                           | variable
            POST | /api/tokens                          | {"user_id":"u-1","room":"lobby"}                             | room
            POST | /api/dlq/email/replay                | {"all":true,"force":true}                                    | force
            """)
    void everyEndpointWithABodyRejectsUnknownFields(String method, String path, String body, String field) {
        api().body(body).request(method, path).then().log().ifValidationFails().statusCode(400)
                .contentType("application/problem+json").body("fields", hasKey(field));
    }

    @Test
    void wrongJsonTypesNameTheFieldAndTheTypeButNoClass() {
        String answer = api().body("{\"type\":\"sms\",\"to\":{\"n\":1},\"message\":7}").post("/api/notify")
                .then().statusCode(400).body("fields.to", equalTo("must be a string")).extract().asString();
        assertThat(answer).doesNotContain("java.", "jackson", "Jackson", "`", "Exception");
        api().body("{\"id\":\"u-x\",\"push_tokens\":\"one\"}").post("/api/users").then().statusCode(400)
                .body("fields.push_tokens", equalTo("must be an array"));
        api().body("{\"type\":\"push\",\"to\":\"fcm-token-0123456789abcdef\",\"message\":\"m\",\"data\":{\"n\":1}}")
                .post("/api/notify").then().statusCode(400).body("fields.'data.n'", equalTo("must be a string"));
        api().body("{\"type\":\"inapp\",\"to\":\"u-1\",\"message\":\"m\",\"broadcast\":\"yes\"}")
                .post("/api/notify").then().statusCode(400).body("fields.broadcast", equalTo("must be true or false"));
        api().body("{\"id\":\"u-x\",\"push_tokens\":[1]}").post("/api/users").then().statusCode(400)
                .body("fields.'push_tokens[0]'", equalTo("must be a string"));
    }

    @Test
    void aToListNamesTheEntryThatIsNoString() {
        api().body("{\"type\":\"sms\",\"to\":[\"+14155550100\",7],\"message\":\"m\"}").post("/api/notify")
                .then().log().ifValidationFails().statusCode(400)
                .body("fields.'to[1]'", equalTo("must be a string"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void everyConstraintNamesTheFieldAsTheCallerSpellsIt() {
        api().body("{\"type\":\"email\",\"user_ids\":[\"u-1\",\"bad id!\"],\"template_code\":\"bad code!\","
                        + "\"subject\":\"a\\u0000b\"}")
                .post("/api/notify").then().log().ifValidationFails().statusCode(400)
                .body("fields", hasKey("user_ids[1]"))
                .body("fields", hasKey("template_code"))
                .body("fields.subject", containsString("NUL"))
                .body("fields", org.hamcrest.Matchers.aMapWithSize(3));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }
}
