package io.notiflow.inapp.socket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.inapp.config.GatewaySettings;
import io.notiflow.inapp.repository.InboxEntry;
import io.notiflow.inapp.service.InboxService;
import io.notiflow.inapp.service.StatusMarks;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
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
 * On open the unread backlog goes out first (newest first, bounded), then live notifications.
 */
@Authenticated
@WebSocket(path = "/ws")
public class InboxSocket {

    public static final String ROOMS_CLAIM = "rooms";
    private static final Logger LOG = Logger.getLogger(InboxSocket.class);

    private final SocketRegistry sockets;
    private final InboxService inbox;
    private final StatusMarks marks;
    private final GatewaySettings settings;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public InboxSocket(SocketRegistry sockets, InboxService inbox, StatusMarks marks, GatewaySettings settings,
                       SecurityIdentity identity, ObjectMapper json) {
        this.marks = marks;
        this.sockets = sockets;
        this.inbox = inbox;
        this.settings = settings;
        this.identity = identity;
        this.json = json;
    }

    @OnOpen
    public void open(WebSocketConnection connection) {
        String user = identity.getPrincipal().getName();
        UserSocket socket = sockets.open(connection, user, rooms());
        List<InboxEntry> backlog = inbox.backlog(user, settings.backlogLimit());
        socket.release(backlog.stream().map(NotificationFrame::of).toList());
        inbox.backlogPushed(backlog.stream().map(InboxEntry::id).toList());
        LOG.debugf("socket %s of %s open; %d unread sent", connection.id(), user, backlog.size());
    }

    @OnTextMessage
    public void receive(WebSocketConnection connection, String text) {
        String user = identity.getPrincipal().getName();
        ClientFrame frame;
        UUID id;
        try {
            frame = json.readValue(text, ClientFrame.class);
            id = UUID.fromString(String.valueOf(frame.id()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            reply(connection, error(null, "expected {\"type\":\"ack\"|\"read\",\"id\":\"<uuid>\"}"));
            return;
        }
        // An id the user does not own is answered like one that does not exist.
        Runnable unknown = () -> reply(connection, error(frame.id(), "no such notification in your inbox"));
        if ("ack".equals(frame.type())) {
            // Acks arrive with every notification: written in batches, answered only when the id is not the user's.
            marks.acknowledged(user, id, unknown);
        } else if ("read".equals(frame.type())) {
            if (!inbox.read(user, id)) {
                unknown.run();
            }
        } else {
            reply(connection, error(frame.id(), "unknown frame type '" + frame.type() + "' (ack, read)"));
        }
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        sockets.close(connection);
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
        try {
            connection.sendText(json.writeValueAsString(frame)).subscribe().with(ok -> {
            }, failure -> LOG.debugf("reply to socket %s not written: %s", connection.id(), failure.getMessage()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> error(String id, String message) {
        return id == null ? Map.of("type", "error", "error", message)
                : Map.of("type", "error", "id", id, "error", message);
    }
}
