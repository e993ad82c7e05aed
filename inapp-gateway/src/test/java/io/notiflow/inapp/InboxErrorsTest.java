package io.notiflow.inapp;

import io.notiflow.core.http.Problem;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;

import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/** The inbox API's bad inputs: 4xx problem documents naming the parameter, never a 5xx, never a class name. */
@QuarkusTest
class InboxErrorsTest {

    @Test
    void badPagingParametersAre400NamingTheParameter() {
        List<String> bad = List.of("%00", "1%002", "-1", "x", "1e2", "0x10", "%201", "99999999999999999999",
                "2147483648", "9223372036854775808", "%E2%80%8B");
        for (String value : bad) {
            problem(as().urlEncodingEnabled(false).get("/api/inbox?page=" + value), 400)
                    .body("fields", hasKey("page"));
            problem(as().urlEncodingEnabled(false).get("/api/inbox?size=" + value), 400)
                    .body("fields", hasKey("size"));
        }
        problem(as().queryParam("size", 0).get("/api/inbox"), 400).body("fields", hasKey("size"));
        problem(as().queryParam("size", 101).get("/api/inbox"), 400).body("fields", hasKey("size"));
        as().queryParam("size", 100).queryParam("page", 21474836).get("/api/inbox").then().statusCode(200);
    }

    @Test
    void aMalformedIdIs400AndAnUnknownOne404() {
        for (String id : List.of("not-a-uuid", "%00", "123", "1-1-1-1-1", UUID.randomUUID() + "%00",
                "x".repeat(2000))) {
            problem(as().urlEncodingEnabled(false).post("/api/inbox/" + id + "/read"), 400)
                    .body("fields", hasKey("id"));
        }
        problem(as().post("/api/inbox/" + UUID.randomUUID() + "/read"), 404);
    }

    @Test
    void authenticationFailuresAre401ProblemDocuments() {
        problem(RestAssured.given().get("/api/inbox"), 401).header("WWW-Authenticate", startsWith("Bearer"));
        problem(RestAssured.given().auth().oauth2("not-a-jwt").get("/api/inbox"), 401);
        problem(RestAssured.given().auth().oauth2("not-a-jwt").post("/api/inbox/read-all"), 401);
    }

    @Test
    void wrongMethodsAndUnknownPathsAreProblemDocuments() {
        problem(as().delete("/api/inbox"), 405);
        problem(as().get("/api/inbox/read-all"), 405);
    }

    @Test
    void anOversizedBodyIs413WithContentLengthOrChunked() {
        byte[] big = new byte[64 * 1024];
        as().contentType("application/json").body(big).post("/api/inbox/read-all").then().statusCode(413);
        InputStream chunked = new ByteArrayInputStream(big); // a stream of unknown length is sent chunked
        as().contentType("application/json").body(chunked).post("/api/inbox/read-all").then().statusCode(413);
        as().post("/api/inbox/read-all").then().statusCode(200);
    }

    private static RequestSpecification as() {
        return RestAssured.given().auth().oauth2(token(user("errors")));
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status) {
        return response.then().statusCode(status)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("type", equalTo("about:blank"))
                .body("status", equalTo(status))
                .body("title", not(equalTo("")))
                .body(not(containsString("Exception")))
                .body(not(containsString("io.notiflow")))
                .body(not(containsString("jakarta.")))
                .body(not(containsString("org.")));
    }
}
