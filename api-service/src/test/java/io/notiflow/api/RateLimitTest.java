package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each API key has its own token bucket: a key over its rate gets 429 with Retry-After; other keys carry on. */
@QuarkusTest
@TestProfile(RateLimitTest.TinyLimit.class)
class RateLimitTest {

    /** Two calls at once, then one every two seconds. */
    public static class TinyLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("api.rate-limit.requests-per-second", "0.5", "api.rate-limit.burst", "2");
        }
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterWhileAnotherKeyIsServed() {
        assertThat(list("test-key").statusCode()).isEqualTo(200);
        assertThat(list("test-key").statusCode()).isEqualTo(200);

        Response limited = list("test-key");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(limited.jsonPath().getString("detail")).isEqualTo("rate limit exceeded for this API key");
        assertThat(limited.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(limited.jsonPath().getLong("retryAfterSeconds")).isEqualTo(retryAfter);

        assertThat(list("second-test-key").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownKeyIsStill401NotRateLimited() {
        for (int i = 0; i < 4; i++) {
            assertThat(list("no-such-key").statusCode()).isEqualTo(401);
        }
    }

    private static Response list(String key) {
        return RestAssured.given().header("X-API-Key", key).get("/api/notifications?limit=1");
    }
}
