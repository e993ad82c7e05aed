package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** The suppression list over HTTP: add, list, lift, and every input an operator can get wrong. */
@QuarkusTest
class SuppressionApiTest {

    @Test
    void addsListsAndLiftsASuppressionInTheFormTheWorkersCompare() {
        String local = "ada-" + UUID.randomUUID();
        api().body("""
                        {"channel":"email","address":"  %s@Example.COM ","reason":"asked us to stop"}""".formatted(local))
                .post("/api/suppressions")
                .then().statusCode(201)
                .header("Location", endsWith("/api/suppressions/email/" + local + "@example.com"))
                .body("channel", equalTo("email"))
                .body("address", equalTo(local + "@example.com"))
                .body("reason", equalTo("asked us to stop"))
                .body("source", equalTo("operator"))
                .body("$", not(hasKey("notification_id")))
                .body("created_at", notNullValue());

        api().get("/api/suppressions?channel=email&address=" + local.toUpperCase() + "@example.com")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].address", equalTo(local + "@example.com"));
        api().get("/api/suppressions?channel=email").then().statusCode(200)
                .body("address", hasItem(local + "@example.com"));

        api().body("""
                        {"channel":"email","address":"%s@example.com","reason":"again"}""".formatted(local))
                .post("/api/suppressions")
                .then().statusCode(409)
                .body("detail", containsString("suppressed already"))
                .body("detail", containsString("asked us to stop"));

        api().delete("/api/suppressions/email/" + local + "@EXAMPLE.com").then().statusCode(204);
        api().get("/api/suppressions?channel=email&address=" + local + "@example.com")
                .then().statusCode(200).body("", empty());
        api().delete("/api/suppressions/email/" + local + "@example.com").then().statusCode(404)
                .body("detail", containsString("no suppression of email address"));
    }

    @Test
    void aPhoneNumberIsKeptInE164() {
        String number = "+1 415 555 01" + (10 + (int) (Math.random() * 89));
        String e164 = number.replace(" ", "");
        api().delete("/api/suppressions/sms/" + e164); // an earlier run's entry, if any
        api().body("""
                        {"channel":"sms","address":"%s","reason":"STOP"}""".formatted(number))
                .post("/api/suppressions").then().statusCode(201).body("address", equalTo(e164));
        api().get("/api/suppressions?channel=sms&address=" + e164).then().body("", hasSize(1));
        api().delete("/api/suppressions/sms/" + e164).then().statusCode(204);
    }

    @Test
    void badInputGetsA400NamingTheField() {
        api().body("""
                        {"channel":"email","address":"not-an-address","reason":"x"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.address", containsString("is not a valid e-mail address"));
        api().body("""
                        {"channel":"sms","address":"0415","reason":"x"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.address", containsString("international phone number"));
        api().body("""
                        {"channel":"push","address":"short","reason":"x"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.address", containsString("is not a device token"));
        api().body("""
                        {"channel":"inapp","address":"u-1","reason":"x"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.channel", containsString("inapp has no addresses"));
        api().body("""
                        {"channel":"fax","address":"a@example.com"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.channel", containsString("is not one of"))
                .body("fields.reason", containsString("is required"));
        api().body("""
                        {"channel":"email","address":"a@example.com","reason":"%s"}""".formatted("r".repeat(257)))
                .post("/api/suppressions").then().statusCode(400)
                .body("fields.reason", containsString("longer than 256"));
        api().body("""
                        {"channel":"email","address":"a@example.com","reason":"x","source":"bounce"}""")
                .post("/api/suppressions").then().statusCode(400)
                .body("fields", hasKey("source"));
        api().get("/api/suppressions?address=a@example.com").then().statusCode(400)
                .body("fields.address", containsString("needs channel"));
        api().get("/api/suppressions?channel=email&limit=0").then().statusCode(400)
                .body("fields", hasKey("limit"));
        api().delete("/api/suppressions/email/not-an-address").then().statusCode(400)
                .body("fields.address", containsString("is not a valid e-mail address"));
    }
}
