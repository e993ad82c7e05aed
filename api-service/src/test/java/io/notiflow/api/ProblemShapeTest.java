package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Pattern;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error answer of api-service has one shape, an RFC 9457 problem document ({@code application/problem+json}:
 * type, title, status, detail, and {@code fields} for bad input), and none names a class or package.
 */
@QuarkusTest
class ProblemShapeTest {

    /** What an implementation name looks like in a body. */
    static final Pattern IMPLEMENTATION_NAME = Pattern.compile("com\\.fasterxml|jackson|java\\.(lang|util|io|time)"
            + "|jakarta\\.|io\\.notiflow|io\\.quarkus|io\\.vertx|org\\.(jboss|hibernate|postgresql)|Exception",
            Pattern.CASE_INSENSITIVE);

    static void assertProblem(Response answer, int status) {
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(status);
        assertThat(answer.contentType()).as("Content-Type of a %d", status).startsWith("application/problem+json");
        assertThat(answer.jsonPath().getString("type")).isEqualTo("about:blank");
        assertThat(answer.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(answer.jsonPath().getString("title")).isNotBlank();
        assertThat(answer.jsonPath().getString("detail")).isNotBlank();
        assertThat(answer.asString()).doesNotContainPattern(IMPLEMENTATION_NAME);
    }

    @Test
    void badInputIsAProblemWithTheFieldMap() {
        Response answer = api().body("{\"type\":\"fax\",\"to\":\"a@b.co\",\"message\":\"m\"}").post("/api/notify");
        assertProblem(answer, 400);
        assertThat(answer.jsonPath().getString("title")).isEqualTo("Bad Request");
        assertThat(answer.jsonPath().getString("fields.type")).contains("not one of");
        assertThat(answer.jsonPath().getMap("")).doesNotContainKey("error");
    }

    @Test
    void aWrongJsonTypeSaysWhatTheFieldTakesNotWhichClass() {
        // Jackson's own message here is "Cannot deserialize value of type `java.lang.String` from Object value".
        Response answer = api().body("{\"type\":{\"x\":1},\"to\":[[1]],\"message\":\"m\"}").post("/api/notify");
        assertProblem(answer, 400);
        for (String body : new String[] {"{\"a\":" + "[".repeat(1_500), "{\"type\":tru}", "{\"data\":{\"k\":[1]}}",
                "{\"id\":\"u-x\",\"preferences\":[1]}", "{\"user_id\":1e400}"}) {
            assertProblem(api().body(body).post(body.contains("\"id\"") ? "/api/users"
                    : body.contains("user_id") ? "/api/tokens" : "/api/notify"), 400);
        }
    }

    @Test
    void unauthorized() {
        Response answer = RestAssured.given().contentType("application/json").body("{}").post("/api/notify");
        assertProblem(answer, 401);
        assertThat(answer.header("WWW-Authenticate")).contains("X-API-Key");
    }

    @Test
    void notFoundForAnUnknownIdAndAnUnknownPath() {
        assertProblem(api().get("/api/users/nx-" + UUID.randomUUID()), 404);
        assertProblem(api().get("/api/notifications/" + UUID.randomUUID()), 404);
        assertProblem(api().get("/api/no-such-thing"), 404);
        assertProblem(api().body("{}").post("/api/users/x/y/z"), 404);
    }

    @Test
    void methodNotAllowed() {
        assertProblem(api().body("{}").patch("/api/notify"), 405);
        assertProblem(api().delete("/api/notify"), 405);
    }

    @Test
    void conflict() {
        String body = "{\"id\":\"u-" + UUID.randomUUID() + "\"}";
        api().body(body).post("/api/users").then().statusCode(201);
        assertProblem(api().body(body).post("/api/users"), 409);
    }

    @Test
    void payloadTooLargeAndUnsupportedMediaType() {
        assertProblem(api().body("{\"id\":\"" + "x".repeat(1_100_000) + "\"}").post("/api/users"), 413);
        assertProblem(RestAssured.given().header("X-API-Key", ApiTestSupport.API_KEY).contentType("text/plain")
                .body("{}").post("/api/users"), 415);
    }

    @Test
    void notAcceptable() {
        Response answer = api().accept("image/png").get("/api/notifications");
        assertThat(answer.statusCode()).isEqualTo(406);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.asString()).doesNotContainPattern(IMPLEMENTATION_NAME).doesNotContain("@Produces");
    }
}
