package io.notiflow.inapp;

import io.notiflow.core.testing.JwtKeysResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;

import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class SocketAuthTest {

    @TestHTTPResource("/ws")
    URI http;

    private URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void upgradeWithoutATokenIsRefusedWith401() {
        assertThat(TestSocket.upgradeStatus(ws(), TestSocket.builder())).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRefusedWith401() {
        String expired = Jwt.subject(user("late")).issuer(JwtKeysResource.ISSUER)
                .issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(1800))
                .sign(JwtKeysResource.privateKey());
        assertThat(TestSocket.upgradeStatus(ws(), carrier(expired))).isEqualTo(401);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefusedWith401() {
        String forged = Jwt.subject(user("forger")).issuer(JwtKeysResource.ISSUER).expiresIn(300)
                .sign(JwtKeysResource.strangerKey());
        assertThat(TestSocket.upgradeStatus(ws(), carrier(forged))).isEqualTo(401);
    }

    @Test
    void tokenFromAnotherIssuerIsRefusedWith401() {
        String foreign = Jwt.subject(user("foreign")).issuer("someone-else").expiresIn(300)
                .sign(JwtKeysResource.privateKey());
        assertThat(TestSocket.upgradeStatus(ws(), carrier(foreign))).isEqualTo(401);
    }

    @Test
    void validTokenIsAcceptedAsSubprotocolOrAuthorizationHeader() {
        String valid = token(user("ok"));
        assertThat(TestSocket.upgradeStatus(ws(), carrier(valid))).isEqualTo(101);
        assertThat(TestSocket.upgradeStatus(ws(), TestSocket.builder().header("Authorization", "Bearer " + valid)))
                .isEqualTo(101);
    }

    private static java.net.http.WebSocket.Builder carrier(String token) {
        return TestSocket.builder().subprotocols("bearer-token-carrier", TestSocket.carrier(token));
    }
}
