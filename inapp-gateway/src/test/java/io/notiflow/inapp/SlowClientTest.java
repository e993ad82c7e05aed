package io.notiflow.inapp;

import io.notiflow.core.job.InappTarget;
import io.notiflow.inapp.socket.NotificationFrame;
import io.notiflow.inapp.socket.SocketRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
class SlowClientTest {

    /** Large frames fill the socket buffers quickly; the bound (inapp.outbound-buffer=16 in tests) then trips. */
    private static final String BIG = "x".repeat(256 * 1024);

    @TestHTTPResource("/ws")
    URI http;

    @Inject
    SocketRegistry sockets;

    @Test
    void aClientThatStopsReadingIsDisconnectedWithoutAffectingOthers() throws Exception {
        String slowUser = user("slow");
        String fastUser = user("fast");
        URI ws = URI.create(http.toString().replaceFirst("^http", "ws"));
        try (TestSocket slow = TestSocket.connectNotReading(ws, token(slowUser));
             TestSocket fast = TestSocket.connect(ws, token(fastUser))) {
            // The client sees the upgrade answer a moment before the server has registered the socket.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> sockets.openCount(slowUser) == 1 && sockets.openCount(fastUser) == 1);
            int offered = 0;
            while (offered < 2000 && sockets.dispatch(InappTarget.user(slowUser), frame(BIG)) > 0) {
                offered++;
            }
            assertThat(offered).as("frames the slow client was given before being dropped").isLessThan(2000);
            assertThat(sockets.dispatch(InappTarget.user(slowUser), frame("after"))).as("the slow socket is gone").isZero();

            NotificationFrame hello = frame("still here");
            assertThat(sockets.dispatch(InappTarget.user(fastUser), hello)).isEqualTo(1);
            assertThat(fast.next().get("id").asText()).isEqualTo(hello.id().toString());
        }
    }

    private static NotificationFrame frame(String message) {
        return new NotificationFrame("notification", UUID.randomUUID(), "t", message, Map.of(), Instant.now());
    }
}
