package io.notiflow.inapp;

import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.JwtKeysResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static io.notiflow.inapp.GatewayTestSupport.queue;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

/** A socket lives as long as its token. */
@QuarkusTest
class SocketExpiryTest {

    @TestHTTPResource("/ws")
    URI http;

    private URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void aSocketIsClosedWith4001WhenItsTokenExpiresAndAFreshTokenReconnects() throws Exception {
        String kim = user("kim");
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS); // exp is in seconds
        String shortLived = Jwt.subject(kim).issuer(JwtKeysResource.ISSUER).expiresAt(expiresAt)
                .sign(JwtKeysResource.privateKey());
        Notification live;
        try (TestSocket socket = TestSocket.connect(ws(), shortLived)) {
            live = queue(kim, "Before", "while the token is valid");
            assertThat(socket.next().get("id").asText()).isEqualTo(live.id.toString());
            assertThat(socket.closed.isDone()).isFalse();

            int code = socket.closed.get(15, TimeUnit.SECONDS);
            assertThat(code).isEqualTo(4001);
            assertThat(socket.closeReason.get()).isEqualTo("token expired");
            assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        }
        try (TestSocket fresh = TestSocket.connect(ws(), token(kim))) {
            assertThat(fresh.next().get("id").asText()).as("the unread backlog").isEqualTo(live.id.toString());
            Notification after = queue(kim, "After", "with a fresh token");
            assertThat(fresh.next().get("id").asText()).isEqualTo(after.id.toString());
            assertThat(fresh.drain(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void aLongLivedTokenKeepsItsSocketOpen() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(), token(user("lee")))) {
            assertThat(socket.drain(Duration.ofSeconds(4))).isEmpty();
            assertThat(socket.closed.isDone()).isFalse();
        }
    }
}
