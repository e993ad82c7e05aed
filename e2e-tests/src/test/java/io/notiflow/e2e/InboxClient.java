package io.notiflow.e2e;

import io.restassured.path.json.JsonPath;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A user's app connected to an inapp-gateway's {@code /ws} with the JDK's WebSocket client: the token either in
 * the bearer-carrier subprotocol pair (as a browser sends it) or as an {@code Authorization: Bearer} header (as
 * a non-browser client may). Every text frame the gateway sends is kept, in order, for the test to take.
 */
final class InboxClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final WebSocket socket;
    private final BlockingQueue<String> frames;
    private final CompletableFuture<Integer> closed;

    private InboxClient(String name, WebSocket socket, BlockingQueue<String> frames, CompletableFuture<Integer> closed) {
        this.name = name;
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    /** {@code ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer <jwt>"]}, URI-encoded. */
    static InboxClient connectAsBrowser(String name, String gatewayBaseUrl, String token) {
        String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8)
                .replace("+", "%20");
        return open(name, HTTP.newWebSocketBuilder().subprotocols("bearer-token-carrier", carrier), gatewayBaseUrl);
    }

    static InboxClient connectWithHeader(String name, String gatewayBaseUrl, String token) {
        return open(name, HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), gatewayBaseUrl);
    }

    private static InboxClient open(String name, WebSocket.Builder builder, String gatewayBaseUrl) {
        URI uri = URI.create(gatewayBaseUrl.replaceFirst("^http", "ws") + "/ws");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        }).orTimeout(20, TimeUnit.SECONDS).join();
        return new InboxClient(name, socket, frames, closed);
    }

    /** The next frame, waiting up to 20 s. */
    JsonPath next() throws InterruptedException {
        String frame = frames.poll(FRAME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError(name + " got no frame within " + FRAME_TIMEOUT.toSeconds() + " s");
        }
        return JsonPath.from(frame);
    }

    /** Every frame that arrives until none has come for {@code quiet}; for asserting that nothing (more) comes. */
    List<JsonPath> drain(Duration quiet) throws InterruptedException {
        List<JsonPath> taken = new ArrayList<>();
        String frame;
        while ((frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            taken.add(JsonPath.from(frame));
        }
        return taken;
    }

    /** {@code {"type":"ack"|"read","id":"<uuid>"}}. */
    void send(String type, String id) {
        socket.sendText("{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}", true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Completes with the close code when the connection ends (-1 when it broke without a close frame). */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    @Override
    public String toString() {
        return name;
    }
}
