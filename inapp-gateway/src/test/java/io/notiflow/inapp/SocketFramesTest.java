package io.notiflow.inapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.job.InappTarget;
import io.notiflow.inapp.socket.NotificationFrame;
import io.notiflow.inapp.socket.SocketRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.notiflow.inapp.GatewayTestSupport.queue;
import static io.notiflow.inapp.GatewayTestSupport.status;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Frames a client should not send: an error frame and an open socket, or 1009 for size; a quiet log. */
@QuarkusTest
class SocketFramesTest {

    @TestHTTPResource("/ws")
    URI http;

    @Inject
    SocketRegistry sockets;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("").removeHandler(capture);
    }

    private URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void badFramesGetAnErrorFrameTheSocketStaysUsableAndTheLogGetsOneLine() throws Exception {
        String nina = user("nina");
        try (TestSocket socket = TestSocket.connect(ws(), token(nina))) {
            List<String> bad = List.of("null", "not json", "{\"type\":\"subscribe\",\"id\":\"x\"}", "[]", "42",
                    "{\"type\":\"ack\"}", "{\"type\":\"ack\",\"id\":\"not-a-uuid\"}", "{\"type\":\"read\",\"id\":{}}",
                    "{\"id\":\"" + UUID.randomUUID() + "\"}", "{\"type\":null}", "");
            for (String text : bad) {
                socket.sendText(text);
                JsonNode answer = socket.next();
                assertThat(answer.get("type").asText()).as("answer to %s", text).isEqualTo("error");
                assertThat(answer.get("error").asText()).as("answer to %s", text).isNotBlank()
                        .doesNotContain("Exception").doesNotContain("jackson");
            }
            socket.sendText("{\"type\":\"subscribe\",\"id\":\"abc\"}");
            JsonNode unknownType = socket.next();
            assertThat(unknownType.get("error").asText()).contains("unknown frame type");
            assertThat(socket.closed.isDone()).as("still open").isFalse();

            // Still a working socket: live notifications arrive, and an ack is taken.
            Notification row = queue(nina, "Still here", "after the bad frames");
            assertThat(socket.next().get("id").asText()).isEqualTo(row.id.toString());
            socket.send("ack", row.id);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(row.id) == NotificationStatus.DELIVERED);
            assertThat(socket.drain(Duration.ofMillis(500))).isEmpty();
        }
        List<LogRecord> aboutBadFrames = logged.stream()
                .filter(r -> String.valueOf(r.getMessage()).contains("bad frame")).toList();
        assertThat(aboutBadFrames).as("one line for this connection within the minute").hasSize(1);
        assertThat(logged).as("no stack traces").allSatisfy(r -> assertThat(r.getThrown()).isNull());
    }

    @Test
    void aClientThatSendsBadFramesWithoutReadingTheAnswersIsDroppedLikeASlowReader() {
        String flood = user("flood");
        InappTarget target = InappTarget.user(flood);
        try (TestSocket socket = TestSocket.connectNotReading(ws(), token(flood))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> sockets.openCount(flood) == 1);
            for (int i = 0; i < 100_000; i++) {
                try {
                    socket.sendText("null");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            // Dropped (1008) once its unread error frames reach the outbound bound: it takes nothing more.
            await().atMost(Duration.ofSeconds(30)).until(() -> sockets.dispatch(target, frame()) == 0);
        }
        assertThat(logged.stream().filter(r -> String.valueOf(r.getMessage()).contains("bad frame")))
                .as("still one line about its bad frames").hasSize(1);
    }

    private static NotificationFrame frame() {
        return new NotificationFrame("notification", UUID.randomUUID(), "t", "probe", Map.of(), Instant.now());
    }

    @Test
    void aFrameOver4KbClosesTheSocketWith1009() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(), token(user("olga")))) {
            socket.sendText("{\"type\":\"ack\",\"id\":\"" + "x".repeat(5000) + "\"}");
            assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        assertThat(logged).as("no stack traces").allSatisfy(r -> assertThat(r.getThrown()).isNull());
    }

    @Test
    void aMessageOver4KbInSeveralFramesClosesTheSocketWith1009() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(), token(user("pia")))) {
            socket.sendFragments("{\"type\":\"ack\",\"id\":\"", "x".repeat(2000), "x".repeat(2000), "x".repeat(2000),
                    "\"}");
            assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        assertThat(logged).as("no stack traces").allSatisfy(r -> assertThat(r.getThrown()).isNull());
    }

    @Test
    void aFrameJustUnder4KbIsAnsweredNormally() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(), token(user("quin")))) {
            String padded = "{\"type\":\"ack\",\"id\":\"" + UUID.randomUUID() + "\",\"pad\":\"" + "x".repeat(3900) + "\"}";
            assertThat(padded.length()).isLessThan(4096);
            socket.sendText(padded);
            assertThat(socket.next().get("type").asText()).isEqualTo("error"); // not in the inbox
            assertThat(socket.closed.isDone()).isFalse();
        }
    }
}
