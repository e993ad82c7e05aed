package io.notiflow.api;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import io.notiflow.core.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static io.notiflow.api.ApiTestSupport.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document the management interface publishes (/q/openapi) tells the truth: it declares how callers
 * authenticate, and real answers of the running application, successes and errors, validate against it
 * (swagger-request-validator: status code declared, content type and body matching its schema).
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static String documentUrl;
    private static OpenApiValidationFilter strict;
    /** For requests that are bad on purpose: only the answer is checked against the document. */
    private static OpenApiValidationFilter answersOnly;

    @BeforeAll
    static void loadTheDocument() {
        documentUrl = Management.url("/q/openapi?format=json");
        strict = new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(documentUrl)
                .build());
        answersOnly = new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(documentUrl)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request", ValidationReport.Level.IGNORE).build())
                .build());
    }

    @Test
    void theDocumentDeclaresTheApiKeyAndTheBearerToken() {
        JsonPath document = RestAssured.get(documentUrl).then().statusCode(200).extract().jsonPath();
        Map<String, Object> apiKey = document.getMap("components.securitySchemes.apiKey");
        assertThat(apiKey).containsEntry("type", "apiKey").containsEntry("in", "header")
                .containsEntry("name", "X-API-Key");
        Map<String, Object> bearer = document.getMap("components.securitySchemes.bearer");
        assertThat(bearer).containsEntry("type", "http").containsEntry("scheme", "bearer")
                .containsEntry("bearerFormat", "JWT");
        assertThat(document.getList("security")).containsExactly(Map.of("apiKey", List.of()));
        assertThat(document.getMap("paths.'/api/notify'.post.responses")).containsKeys("202", "400", "401", "413",
                "415", "422", "429", "503").doesNotContainKey("200");
        assertThat(document.getMap("paths.'/api/users'.post.responses")).containsKeys("201", "409");
        assertThat(document.getMap("paths.'/api/users/{id}'.get.responses")).containsKeys("200", "404");
        assertThat(document.getMap("paths.'/api/users/{id}'.delete.responses")).containsKeys("204", "404");
        assertThat(document.getString("paths.'/api/notify'.post.responses.'400'.content.'application/problem+json'"
                + ".schema.'$ref'")).isEqualTo("#/components/schemas/Problem");
        // Twilio's callback proves itself with its signature: no API key, no 401 or 429.
        assertThat(document.getList("paths.'/api/providers/twilio/status'.post.security")).isEmpty();
        assertThat(document.getMap("paths.'/api/providers/twilio/status'.post.responses"))
                .containsKeys("204", "400", "403", "404", "409", "415").doesNotContainKeys("401", "429");
    }

    @Test
    void successfulAnswersMatchTheDocument() {
        String id = "oas-" + UUID.randomUUID();
        String messageId = valid().body("""
                {"type":"email","to":"oas@example.com","subject":"Hi","message":"Hello"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        valid().get("/api/notifications/" + messageId).then().statusCode(200);
        valid().queryParam("status", "queued").queryParam("limit", 5).get("/api/notifications").then().statusCode(200);

        valid().body("""
                {"id":"%s","email":"ada@example.com","phone":"+14155550100","locale":"en"}""".formatted(id))
                .post("/api/users").then().statusCode(201);
        valid().get("/api/users/" + id).then().statusCode(200);
        valid().delete("/api/users/" + id).then().statusCode(204);

        String code = "oas-" + UUID.randomUUID().toString().substring(0, 8);
        valid().body("""
                {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}"}""".formatted(code))
                .post("/api/templates").then().statusCode(201);
        valid().get("/api/templates").then().statusCode(200);
        valid().body("""
                {"variables":{"name":"Ada"}}""").post("/api/templates/" + code + "/preview").then().statusCode(200);
        valid().get("/api/stats").then().statusCode(200);
        valid().get("/api/dlq/email").then().statusCode(200);
    }

    @Test
    void errorAnswersMatchTheDocument() {
        String id = "oas-" + UUID.randomUUID();
        valid().body("""
                {"id":"%s","email":"grace@example.com"}""".formatted(id)).post("/api/users").then().statusCode(201);
        // Every case is sent and checked; the mismatches of all of them are reported together.
        List<String> mismatches = new ArrayList<>();
        expect(mismatches, 400, () -> badOnPurpose().header("X-API-Key", API_KEY).body("""
                {"type":"email","to":"not-an-address","message":"Hello"}""").post("/api/notify"));
        expect(mismatches, 401, () -> badOnPurpose().body("""
                {"type":"email","to":"a@example.com","message":"Hello"}""").post("/api/notify"));
        expect(mismatches, 404, () -> badOnPurpose().header("X-API-Key", API_KEY).get("/api/users/" + id + "-gone"));
        expect(mismatches, 409, () -> badOnPurpose().header("X-API-Key", API_KEY).body("""
                {"id":"%s","email":"grace@example.com"}""".formatted(id)).post("/api/users"));
        expect(mismatches, 415, () -> RestAssured.given().filter(answersOnly).header("X-API-Key", API_KEY)
                .contentType(ContentType.TEXT).body("hello").post("/api/notify"));
        expect(mismatches, 403, () -> RestAssured.given().filter(answersOnly)
                .contentType("application/x-www-form-urlencoded").formParam("MessageStatus", "delivered")
                .queryParam("id", UUID.randomUUID().toString()).post("/api/providers/twilio/status"));
        assertThat(mismatches).as("error answers that the document does not describe").isEmpty();
    }

    private static void expect(List<String> mismatches, int status, Supplier<Response> call) {
        try {
            int actual = call.get().statusCode();
            if (actual != status) {
                mismatches.add("expected " + status + ", got " + actual);
            }
        } catch (OpenApiValidationFilter.OpenApiValidationException e) {
            mismatches.add(status + ": " + e.getValidationReport().getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR).map(m -> m.getMessage()).toList());
        }
    }

    private static RequestSpecification valid() {
        return RestAssured.given().filter(strict).header("X-API-Key", API_KEY).contentType(ContentType.JSON);
    }

    private static RequestSpecification badOnPurpose() {
        return RestAssured.given().filter(answersOnly).contentType(ContentType.JSON);
    }
}
