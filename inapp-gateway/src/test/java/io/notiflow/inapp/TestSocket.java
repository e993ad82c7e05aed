package io.notiflow.inapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's), connecting the way a browser does: the token in the bearer-carrier subprotocol. */
final class TestSocket implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> frames;
    /** The server's close code (-1: the connection failed without one). */
    final CompletableFuture<Integer> closed;
    /** The server's close reason. */
    final CompletableFuture<String> closeReason;

    private TestSocket(WebSocket socket, BlockingQueue<JsonNode> frames, CompletableFuture<Integer> closed,
                       CompletableFuture<String> closeReason) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
        this.closeReason = closeReason;
    }

    /** Connects with the token as {@code ["bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer <jwt>"]}. */
    static TestSocket connect(URI uri, String token) {
        return open(HTTP.newWebSocketBuilder().subprotocols("bearer-token-carrier", carrier(token)), uri, true);
    }

    /** Connects with an {@code Authorization: Bearer} header, as a non-browser client may. */
    static TestSocket connectWithHeader(URI uri, String token) {
        return open(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), uri, true);
    }

    /** Connects but reads nothing after the first frame, like a client that cannot keep up. */
    static TestSocket connectNotReading(URI uri, String token) {
        return open(HTTP.newWebSocketBuilder().subprotocols("bearer-token-carrier", carrier(token)), uri, false);
    }

    /** The HTTP status of a refused upgrade, or 101 if it was accepted. */
    static int upgradeStatus(URI uri, WebSocket.Builder builder) {
        try {
            builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new WebSocket.Listener() {
            }).join().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    static WebSocket.Builder builder() {
        return HTTP.newWebSocketBuilder();
    }

    static String carrier(String token) {
        // Browsers refuse a space in a subprotocol; the server URI-decodes the carrier (encodeURIComponent in JS).
        return URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static TestSocket open(WebSocket.Builder builder, URI uri, boolean reading) {
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<String> closeReason = new CompletableFuture<>();
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
                    try {
                        frames.add(JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        partial.setLength(0);
                    }
                }
                if (reading) {
                    webSocket.request(1);
                }
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason.complete(reason);
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeReason.complete(null);
                closed.complete(-1);
            }
        }).join();
        return new TestSocket(socket, frames, closed, closeReason);
    }

    /** The next frame, waiting up to 10 s. */
    JsonNode next() throws InterruptedException {
        JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return frame;
    }

    /** Frames that arrive within {@code wait}; for asserting that nothing (more) comes. */
    List<JsonNode> drain(Duration wait) throws InterruptedException {
        List<JsonNode> taken = new ArrayList<>();
        JsonNode frame;
        while ((frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            taken.add(frame);
        }
        return taken;
    }

    void send(String type, Object id) {
        socket.sendText("{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}", true).join();
    }

    /** Sends any text as one frame. */
    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends one message as several frames (continuations). */
    void sendFragments(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
