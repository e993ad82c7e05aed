package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class UserApiTest {

    @Test
    void createsReadsReplacesAndDeletesAUser() {
        String id = "u-" + UUID.randomUUID();
        api().body("""
                        {"id":"%s","email":"ada@example.com","phone":"+1 (415) 555-0100",
                         "push_tokens":["fcm-token-aaaaaaaaaaaaaaaaaaaa"],"locale":"pt_br","preferences":{"sms":false}}"""
                        .formatted(id))
                .post("/api/users")
                .then().statusCode(201)
                .header("Location", endsWith("/api/users/" + id))
                .body("id", equalTo(id))
                .body("phone", equalTo("+14155550100"))
                .body("locale", equalTo("pt-BR"))
                .body("push_tokens", contains("fcm-token-aaaaaaaaaaaaaaaaaaaa"))
                .body("preferences.sms", equalTo(false))
                .body("created_at", notNullValue());

        api().get("/api/users/" + id).then().statusCode(200)
                .body("email", equalTo("ada@example.com"))
                .body("preferences.sms", equalTo(false));

        api().body("""
                        {"email":"ada@example.org","push_tokens":["fcm-token-bbbbbbbbbbbbbbbbbbbb"],
                         "preferences":{"categories":{"marketing":{"email":false}}}}""")
                .put("/api/users/" + id)
                .then().statusCode(200)
                .body("email", equalTo("ada@example.org"))
                .body("push_tokens", contains("fcm-token-bbbbbbbbbbbbbbbbbbbb"))
                .body("preferences.categories.marketing.email", equalTo(false));
        api().get("/api/users/" + id).then().statusCode(200)
                .body("phone", equalTo(null))
                .body("push_tokens", contains("fcm-token-bbbbbbbbbbbbbbbbbbbb"));

        api().body("""
                        {"token":"fcm-token-cccccccccccccccccccc"}""")
                .post("/api/users/" + id + "/push_tokens")
                .then().statusCode(200)
                .body("push_tokens", contains("fcm-token-bbbbbbbbbbbbbbbbbbbb", "fcm-token-cccccccccccccccccccc"));
        api().delete("/api/users/" + id + "/push_tokens/fcm-token-bbbbbbbbbbbbbbbbbbbb").then().statusCode(204);
        api().get("/api/users/" + id).then().body("push_tokens", contains("fcm-token-cccccccccccccccccccc"));

        api().delete("/api/users/" + id).then().statusCode(204);
        api().get("/api/users/" + id).then().statusCode(404);
        api().delete("/api/users/" + id).then().statusCode(404);
    }

    @Test
    void anExistingIdIsAConflict() {
        String body = """
                {"id":"u-%s","email":"bob@example.com"}""".formatted(UUID.randomUUID());
        api().body(body).post("/api/users").then().statusCode(201);
        api().body(body).post("/api/users").then().statusCode(409).contentType("application/problem+json").body("detail", containsString("exists"));
    }

    @Test
    void namesEveryBadField() {
        api().body("""
                        {"id":"bad id!","email":"not-an-address","phone":"0612345678",
                         "push_tokens":["fcm-token-aaaaaaaaaaaaaaaaaaaa","short"],"locale":"english!",
                         "preferences":{"fax":false,"sms":"no","categories":{"news":{"pigeon":false}}}}""")
                .post("/api/users")
                .then().statusCode(400)
                .body("detail", equalTo("invalid request"))
                .body("fields", hasKey("id"))
                .body("fields.email", containsString("not a valid e-mail address"))
                .body("fields.phone", containsString("must start with +"))
                .body("fields", hasKey("push_tokens[1]"))
                .body("fields", hasKey("locale"))
                .body("fields", hasKey("preferences.fax"))
                .body("fields", hasKey("preferences.sms"))
                .body("fields", hasKey("preferences.categories.news.pigeon"));

        api().body("{}").post("/api/users").then().statusCode(400).body("fields", hasKey("id"));
        api().body("""
                        {"id":"u-other"}""").put("/api/users/u-" + UUID.randomUUID())
                .then().statusCode(400).body("fields", hasKey("id"));
        api().body("""
                        {"email":"x@example.com"}""").put("/api/users/u-missing-" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aBadValueIsQuotedAsSentNeverInterpolated() {
        // The constraint messages quote the value: braces and ${...} in it are text, not message expressions.
        api().body("""
                        {"id":"u-quoted","email":"${1+1}{jakarta.validation.constraints.NotNull.message}@x"}""")
                .post("/api/users")
                .then().statusCode(400)
                .body("fields.email", equalTo("'${1+1}{jakarta.validation.constraints.NotNull.message}@x' is not a"
                        + " valid e-mail address"));
    }

    @Test
    void aNullOrMissingBodyIsA400NamingTheBody() {
        api().body("null").post("/api/users").then().statusCode(400).body("fields.body", containsString("required"));
        api().post("/api/users").then().statusCode(400).body("fields", hasKey("body"));
    }
}
