package io.notiflow.api;

import io.notiflow.core.testing.JwtKeysResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasKey;

@QuarkusTest
@QuarkusTestResource(JwtKeysResource.class)
class TokenApiTest {

    @Test
    void mintsAShortLivedTokenSignedForTheUserWithTheirRooms() throws Exception {
        var answer = api().body("""
                        {"user_id":"u-1","rooms":["team-7","ops"]}""")
                .post("/api/tokens")
                .then().statusCode(200)
                .extract().jsonPath();

        JwtClaims claims = verify(answer.getString("token"));
        assertThat(claims.getSubject()).isEqualTo("u-1");
        assertThat(claims.getIssuer()).isEqualTo(JwtKeysResource.ISSUER);
        assertThat(claims.getStringListClaimValue("rooms")).containsExactly("team-7", "ops");
        Instant expiresAt = Instant.parse(answer.getString("expiresAt"));
        assertThat(expiresAt.getEpochSecond()).isEqualTo(claims.getExpirationTime().getValue());
        assertThat(Duration.between(Instant.now(), expiresAt)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void roomsAreOptional() throws Exception {
        String token = api().body("""
                        {"user_id":"u-2"}""")
                .post("/api/tokens").then().statusCode(200).extract().path("token");
        assertThat(verify(token).getStringListClaimValue("rooms")).isEmpty();
    }

    @Test
    void needsTheApiKey() {
        RestAssured.given().contentType("application/json").body("""
                        {"user_id":"u-1"}""")
                .post("/api/tokens").then().statusCode(401);
    }

    @Test
    void badUserOrRoomIsA400NamingTheField() {
        api().body("{}").post("/api/tokens").then().statusCode(400).body("fields", hasKey("user_id"));
        api().body("""
                        {"user_id":"has space","rooms":["ok","not ok"]}""")
                .post("/api/tokens").then().statusCode(400)
                .body("fields", hasKey("user_id")).body("fields", hasKey("rooms[1]"));
    }

    /** Verifies signature, issuer and expiry the way the gateway does, with the public half of the test key. */
    private static JwtClaims verify(String token) throws Exception {
        return new JwtConsumerBuilder()
                .setVerificationKey(publicKey())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer(JwtKeysResource.ISSUER)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build()
                .processToClaims(token);
    }

    private static PublicKey publicKey() throws Exception {
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) JwtKeysResource.privateKey();
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(),
                key.getPublicExponent()));
    }
}
