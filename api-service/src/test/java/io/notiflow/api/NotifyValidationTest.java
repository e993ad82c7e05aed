package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** Every kind of bad input is a 400 naming the field, and nothing is stored. */
@QuarkusTest
class NotifyValidationTest {

    private long rowsBefore;

    @BeforeEach
    void countRows() {
        rowsBefore = rowCount();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown type                | type     | {"type":"fax","to":"a@b.co","message":"m"}
            missing type                | type     | {"to":"a@b.co","message":"m"}
            bad e-mail address          | to       | {"type":"email","to":"not-an-address","subject":"s","message":"m"}
            e-mail without a domain dot | to       | {"type":"email","to":"ada@localhost","subject":"s","message":"m"}
            missing recipient           | to       | {"type":"email","subject":"s","message":"m"}
            CR/LF in the subject        | subject  | {"type":"email","to":"a@b.co","subject":"Hi\\r\\nBcc: x@y.co","message":"m"}
            missing subject             | subject  | {"type":"email","to":"a@b.co","message":"m"}
            missing message             | message  | {"type":"email","to":"a@b.co","subject":"s"}
            blank message               | message  | {"type":"sms","to":"+14155550100","message":"   "}
            non-E.164 phone             | to       | {"type":"sms","to":"0612345678","message":"m"}
            phone with letters          | to       | {"type":"sms","to":"+1415CALLME","message":"m"}
            phone without the plus      | to       | {"type":"sms","to":"14155550100","message":"m"}
            phone too short for the US  | to       | {"type":"sms","to":"+1415555012","message":"m"}
            phone too long for the US   | to       | {"type":"sms","to":"+141555501234","message":"m"}
            unknown country code        | to       | {"type":"sms","to":"+9991234567","message":"m"}
            phone with an extension     | to       | {"type":"sms","to":"+14155550100 ext. 5","message":"m"}
            plus sign only              | to       | {"type":"sms","to":"+","message":"m"}
            subject on sms              | subject  | {"type":"sms","to":"+14155550100","message":"m","subject":"s"}
            bad device token            | to       | {"type":"push","to":"short","message":"m"}
            device token with spaces    | to       | {"type":"push","to":"abc def ghi jkl mno pqr stu","message":"m"}
            inapp with two targets      | to       | {"type":"inapp","to":"u-1","room":"r","message":"m"}
            inapp without target        | to       | {"type":"inapp","message":"m"}
            inapp bad user id           | to       | {"type":"inapp","to":"bad user!","message":"m"}
            data with a number          | data.n   | {"type":"push","to":"fcm-token-0123456789abcdef","message":"m","data":{"n":1.5e400}}
            data of the wrong shape     | data     | {"type":"push","to":"fcm-token-0123456789abcdef","message":"m","data":["x"]}
            to of the wrong shape       | to       | {"type":"sms","to":{"n":"+14155550100"},"message":"m"}
            malformed JSON              | body     | {"type":"email",
            JSON that is not an object  | body     | [1,2,3]
            """)
    void rejectsBadInput(String problem, String field, String body) {
        api().body(body).post("/api/notify")
                .then().log().ifValidationFails().statusCode(400)
                .body("detail", equalTo("invalid request"))
                .body("fields", hasKey(field));
        assertThat(rowCount()).as("nothing stored for: " + problem).isEqualTo(rowsBefore);
    }

    @ParameterizedTest(name = "{0} is stored as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            +14155550100         | +14155550100
            +1 (415) 555-0100    | +14155550100
            +44 20 7946 0958     | +442079460958
            +49 151 2345 6789    | +4915123456789
            +33 6.12.34.56.78    | +33612345678
            """)
    void storesValidPhoneNumbersInE164Form(String to, String stored) {
        String id = api().body("{\"type\":\"sms\",\"to\":\"" + to + "\",\"message\":\"m\"}")
                .post("/api/notify")
                .then().log().ifValidationFails().statusCode(202)
                .extract().path("messageId");

        assertThat(ApiTestSupport.row(id).orElseThrow().receiver).isEqualTo(stored);
    }

    @Test
    void saysWhatIsWrongWithAPhoneNumber() {
        api().body("""
                        {"type":"sms","to":"0612345678","message":"m"}""")
                .post("/api/notify")
                .then().statusCode(400)
                .body("fields.to", containsString("must start with +"));
        api().body("""
                        {"type":"sms","to":"+1415555012","message":"m"}""")
                .post("/api/notify")
                .then().statusCode(400)
                .body("fields.to", containsString("not a valid phone number for its country code"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void namesEveryBadFieldAtOnce() {
        api().body("""
                        {"type":"email","to":"nope","subject":"a\\nb"}""")
                .post("/api/notify")
                .then().statusCode(400)
                .body("fields.to", containsString("not a valid e-mail address"))
                .body("fields.subject", containsString("CR or LF"))
                .body("fields.message", containsString("required"));
    }

    @Test
    void oversizedMessageIsAnInputErrorAndAnOversizedBodyIs413() {
        String longSms = "x".repeat(1601);
        api().body("{\"type\":\"sms\",\"to\":\"+14155550100\",\"message\":\"" + longSms + "\"}")
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("message"));

        String huge = "y".repeat(1_100_000);
        api().body("{\"type\":\"email\",\"to\":\"a@b.co\",\"subject\":\"s\",\"message\":\"" + huge + "\"}")
                .post("/api/notify").then().statusCode(413).body("fields", hasKey("body"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void wrongContentTypeIs415() {
        RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY).contentType("text/plain")
                .body("type=email").post("/api/notify")
                .then().statusCode(415).body("fields", hasKey("Content-Type"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }

    @Test
    void emptyBodyIsAnInputError() {
        api().post("/api/notify").then().statusCode(400).body("detail", equalTo("invalid request"));
        assertThat(rowCount()).isEqualTo(rowsBefore);
    }
}
