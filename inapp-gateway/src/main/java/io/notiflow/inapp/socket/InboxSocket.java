package io.notiflow.inapp.socket;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.store.InboxEntry;
import io.notiflow.inapp.config.GatewaySettings;
import io.notiflow.inapp.service.InboxService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /ws}: one user's live feed. The upgrade needs a valid JWT (bearer-carrier subprotocol or Authorization
 * header), else 401; the token's subject is the user and its {@code rooms} claim the rooms the socket joins.
 * On open the unread backlog goes out first (newest first, bounded), then live notifications. The socket is
 * closed with 4001 "token expired" when the token's {@code exp} passes. A frame the gateway cannot use is answered
 * with an error frame and the socket stays open; a message over {@value #MAX_FRAME} bytes closes it with 1009.
 */
@Authenticated
@WebSocket(path = "/ws")
public class InboxSocket {

    public static final String ROOMS_CLAIM = "rooms";
    /** Also quarkus.websockets-next.server.max-frame-size and max-message-size. */
    static final int MAX_FRAME = 4096;
    static final int MESSAGE_TOO_BIG = 1009;
    static final String EXPECTED = "expected {\"type\":\"ack\"|\"read\",\"id\":\"<uuid>\"}";
    private static final Logger LOG = Logger.getLogger(InboxSocket.class);

    private final SocketRegistry sockets;
    private final InboxService inbox;
    private final GatewaySettings settings;
    private final SecurityIdentity identity;
    private final ObjectMapper json;
    private final Vertx vertx;

    public InboxSocket(SocketRegistry sockets, InboxService inbox, GatewaySettings settings,
                       SecurityIdentity identity, ObjectMapper json, Vertx vertx) {
        this.sockets = sockets;
        this.inbox = inbox;
        this.settings = settings;
        this.identity = identity;
        this.json = json;
        this.vertx = vertx;
    }

    @OnOpen
    public void open(WebSocketConnection connection) {
        String user = identity.getPrincipal().getName();
        UserSocket socket = sockets.open(connection, user, rooms());
        closeAtExpiry(socket);
        List<InboxEntry> backlog = inbox.backlog(user, settings.backlogLimit());
        socket.release(backlog.stream().map(NotificationFrame::of).toList());
        LOG.debugf("socket %s of %s open; %d unread sent", connection.id(), user, backlog.size());
    }

    @OnTextMessage
    public void receive(WebSocketConnection connection, String text) {
        if (text.length() > MAX_FRAME) {
            // Reassembled from fragments within the transport's limit, yet over ours (counted in chars, which is
            // never more than the bytes).
            tooBig(connection);
            return;
        }
        String user = identity.getPrincipal().getName();
        ClientFrame frame;
        try {
            frame = json.readValue(text, ClientFrame.class);
        } catch (JsonParseException e) {
            refuse(connection, null, "not JSON: " + EXPECTED);
            return;
        } catch (JsonProcessingException e) {
            refuse(connection, null, EXPECTED);
            return;
        }
        if (frame == null || frame.type() == null) {
            refuse(connection, null, EXPECTED);
            return;
        }
        if (!"ack".equals(frame.type()) && !"read".equals(frame.type())) {
            refuse(connection, frame.id(), "unknown frame type (ack, read)");
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(String.valueOf(frame.id()));
        } catch (IllegalArgumentException e) {
            refuse(connection, null, "id must be a notification id (a UUID): " + EXPECTED);
            return;
        }
        // An id the user does not own is answered like one that does not exist.
        Runnable unknown = () -> reply(connection, error(frame.id(), "no such notification in your inbox"));
        if ("ack".equals(frame.type())) {
            // Acks arrive with every notification: written in batches, answered only when the id is not the user's.
            inbox.acknowledge(user, id, unknown);
        } else if (!inbox.read(user, id)) {
            unknown.run();
        }
    }

    /**
     * What the transport or a handler could not take: a message over the size limit closes the socket (1009);
     * anything else is answered with an error frame and the socket stays open. Never a stack trace per frame.
     */
    @OnError
    public void failed(WebSocketConnection connection, Throwable failure) {
        if (isTooBig(failure)) {
            tooBig(connection);
            return;
        }
        UserSocket socket = sockets.of(connection);
        if (socket != null) {
            socket.badFrame("not processed: " + failure.getClass().getSimpleName());
        }
        LOG.debugf(failure, "socket %s: frame not processed", connection.id());
        reply(connection, error(null, "the frame could not be processed; try again"));
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        sockets.close(connection);
    }

    private void closeAtExpiry(UserSocket socket) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return; // smallrye-jwt requires exp, so every token has one
        }
        long delay = Math.max(1, jwt.getExpirationTime() * 1000 - System.currentTimeMillis());
        long timer = vertx.setTimer(delay, ignored -> socket.expire());
        socket.expiresWith(() -> vertx.cancelTimer(timer));
    }

    private void refuse(WebSocketConnection connection, String id, String message) {
        UserSocket socket = sockets.of(connection);
        if (socket != null) {
            socket.badFrame(message);
        }
        reply(connection, error(id, message));
    }

    private void tooBig(WebSocketConnection connection) {
        UserSocket socket = sockets.of(connection);
        if (socket != null) {
            socket.badFrame("message over " + MAX_FRAME + " bytes; closed");
        }
        connection.close(new CloseReason(MESSAGE_TOO_BIG, "message too big")).subscribe().with(ok -> {
        }, failure -> LOG.debugf("closing socket %s: %s", connection.id(), failure.getMessage()));
    }

    /** Vert.x reports a reassembled message over max-message-size as this state error. */
    private static boolean isTooBig(Throwable failure) {
        return failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().contains("max message size");
    }

    private Set<String> rooms() {
        Set<String> rooms = new LinkedHashSet<>();
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim(ROOMS_CLAIM) instanceof Collection<?> c) {
            for (Object room : c) {
                rooms.add(room instanceof JsonString s ? s.getString() : String.valueOf(room));
            }
        }
        return rooms;
    }

    private void reply(WebSocketConnection connection, Map<String, Object> frame) {
        UserSocket socket = sockets.of(connection);
        if (socket == null) {
            return; // closed meanwhile
        }
        try {
            socket.reply(json.writeValueAsString(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"type":"error","id"?,"error"}}; the id only when it is a short string worth echoing. */
    private static Map<String, Object> error(String id, String message) {
        return id == null || id.length() > 64 ? Map.of("type", "error", "error", message)
                : Map.of("type", "error", "id", id, "error", message);
    }
}
