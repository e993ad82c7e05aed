package io.notiflow.inapp;

import io.notiflow.core.store.Notification;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser gets from the inbox API: hardening headers on every answer, and CORS for the origins the operator
 * allows (INBOX_ALLOWED_ORIGINS; the test profile allows https://app.example.test), none for any other.
 */
@QuarkusTest
class BrowserAccessTest {

    static final String ALLOWED = "https://app.example.test";
    static final String FOREIGN = "https://evil.example.test";

    @Test
    void inboxAnswersCarryTheHardeningHeaders() {
        String user = user("headers");
        store(user, "h", "hello");
        assertHardened(RestAssured.given().auth().oauth2(token(user)).get("/api/inbox"), 200);
        assertHardened(RestAssured.given().get("/api/inbox"), 401);
        assertHardened(RestAssured.given().auth().oauth2(token(user)).post("/api/inbox/" + java.util.UUID.randomUUID() + "/read"), 404);
    }

    @Test
    void theDemoPageCannotBeFramed() {
        Response page = RestAssured.given().get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void anAllowedOriginPassesThePreflightAndReadsTheInbox() {
        Response preflight = RestAssured.given().header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/inbox/read-all");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers").toLowerCase()).contains("authorization");

        String user = user("cors");
        Notification stored = store(user, "c", "from another origin");
        Response inbox = RestAssured.given().header("Origin", ALLOWED).auth().oauth2(token(user)).get("/api/inbox");
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(inbox.jsonPath().getList("items.id")).containsExactly(stored.id.toString());
    }

    @Test
    void anyOtherOriginIsRefused() {
        Response preflight = RestAssured.given().header("Origin", FOREIGN)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/inbox");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.statusCode()).isEqualTo(403);

        Response read = RestAssured.given().header("Origin", FOREIGN).auth().oauth2(token(user("foreign")))
                .get("/api/inbox");
        assertThat(read.header("Access-Control-Allow-Origin")).isNull();
        assertThat(read.statusCode()).isEqualTo(403);
    }

    private static void assertHardened(Response response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
}
