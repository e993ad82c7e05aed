package io.notiflow.inapp.socket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.job.InappTarget;
import io.notiflow.inapp.config.GatewaySettings;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets open on this gateway instance. A target is a user (every socket of that user), a room (every socket
 * whose token lists the room) or everyone (every socket); its kind is a type, so no user id reaches a room.
 */
@ApplicationScoped
public class SocketRegistry {

    private final Map<String, UserSocket> byConnection = new ConcurrentHashMap<>();
    /** The same sockets by user, so a personal notification finds its sockets without a scan. */
    private final Map<String, Set<UserSocket>> byUser = new ConcurrentHashMap<>();
    private final GatewaySettings settings;
    private final ObjectMapper json;

    public SocketRegistry(GatewaySettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    UserSocket open(WebSocketConnection connection, String user, Set<String> rooms) {
        UserSocket socket = new UserSocket(connection, user, rooms, settings.outboundBuffer(), this::encode);
        byConnection.put(connection.id(), socket);
        // Added and removed inside compute, so a set emptied by a concurrent close is never written to.
        byUser.compute(user, (u, sockets) -> {
            Set<UserSocket> mine = sockets == null ? ConcurrentHashMap.newKeySet() : sockets;
            mine.add(socket);
            return mine;
        });
        return socket;
    }

    /** The socket of an open connection; null once it has closed. */
    UserSocket of(WebSocketConnection connection) {
        return byConnection.get(connection.id());
    }

    void close(WebSocketConnection connection) {
        UserSocket socket = byConnection.remove(connection.id());
        if (socket != null) {
            socket.closed();
            byUser.computeIfPresent(socket.user(), (user, sockets) -> {
                sockets.remove(socket);
                return sockets.isEmpty() ? null : sockets;
            });
        }
    }

    /** Offers the frame to every local socket the target names; returns how many took it. */
    public int dispatch(InappTarget target, NotificationFrame frame) {
        List<UserSocket> targets = switch (target.kind()) {
            case USER -> List.copyOf(byUser.getOrDefault(target.name(), Set.of()));
            case ROOM -> byConnection.values().stream().filter(s -> s.inRoom(target.name())).toList();
            case EVERYONE -> List.copyOf(byConnection.values());
        };
        int taken = 0;
        for (UserSocket socket : targets) {
            if (socket.offer(frame)) {
                taken++;
            }
        }
        return taken;
    }

    public int openCount() {
        return byConnection.size();
    }

    public long openCount(String user) {
        return byUser.getOrDefault(user, Set.of()).size();
    }

    private String encode(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode frame", e);
        }
    }
}
