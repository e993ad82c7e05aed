package io.notiflow.inapp.socket;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * One open socket of one user, with a bounded outbound buffer: at most {@code limit} frames written but not yet
 * flushed to the client. A client that falls further behind is closed (1008) rather than allowed to grow the
 * server's memory. Until the backlog has gone out, live frames are held (same bound), so the backlog always
 * comes first. The socket lives as long as its token: it is closed (4001) when the token expires.
 */
public final class UserSocket {

    static final int TOO_SLOW = 1008;
    static final int TOKEN_EXPIRED = 4001;
    /** Bad client frames are logged at most once a minute per socket, so a client cannot flood the log. */
    private static final long BAD_FRAME_REPORT_NANOS = 60_000_000_000L;
    private static final Logger LOG = Logger.getLogger(UserSocket.class);

    private final WebSocketConnection connection;
    private final String user;
    private final Set<String> rooms;
    private final int limit;
    private final Function<NotificationFrame, String> encoder;

    private int inFlight;
    private boolean closed;
    /** Live frames that arrived before the backlog went out; null once it has. */
    private List<NotificationFrame> held = new ArrayList<>();
    /** Cancels the close at the token's expiry. */
    private Runnable cancelExpiry = () -> {
    };
    private long badFrames;
    private long lastBadFrameReport;
    private boolean badFramesReported;

    UserSocket(WebSocketConnection connection, String user, Set<String> rooms, int limit,
               Function<NotificationFrame, String> encoder) {
        this.connection = connection;
        this.user = user;
        this.rooms = Set.copyOf(rooms);
        this.limit = limit;
        this.encoder = encoder;
    }

    public String user() {
        return user;
    }

    public boolean inRoom(String room) {
        return rooms.contains(room);
    }

    public String id() {
        return connection.id();
    }

    /** Queues a frame for this client; false when the client is gone (or has just been dropped as too slow). */
    synchronized boolean offer(NotificationFrame frame) {
        if (closed) {
            return false;
        }
        if (held != null) {
            if (held.size() >= limit) {
                return tooSlow();
            }
            held.add(frame);
            return true;
        }
        return write(frame);
    }

    /** Sends the backlog, then whatever live frames arrived meanwhile (minus those the backlog already had). */
    synchronized void release(List<NotificationFrame> backlog) {
        Set<UUID> sent = new HashSet<>();
        for (NotificationFrame frame : backlog) {
            if (!write(frame)) {
                return;
            }
            sent.add(frame.id());
        }
        List<NotificationFrame> live = held;
        held = null;
        for (NotificationFrame frame : live) {
            if (!sent.contains(frame.id()) && !write(frame)) {
                return;
            }
        }
    }

    synchronized void closed() {
        closed = true;
        cancelExpiry.run();
    }

    /** {@code cancel} stops the close scheduled for the token's expiry; run when the socket closes first. */
    synchronized void expiresWith(Runnable cancel) {
        if (closed) {
            cancel.run();
        } else {
            cancelExpiry = cancel;
        }
    }

    /** The token's {@code exp} has passed: the client reconnects with a fresh one. */
    synchronized void expire() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.debugf("socket %s of user %s: token expired; closing it", id(), user);
        connection.close(new CloseReason(TOKEN_EXPIRED, "token expired")).subscribe().with(ok -> {
        }, failure -> LOG.debugf("closing expired socket %s: %s", id(), failure.getMessage()));
    }

    /** A frame the gateway cannot use: one log line for the first, then at most one a minute with the count. */
    synchronized void badFrame(String why) {
        badFrames++;
        long now = System.nanoTime();
        if (badFramesReported && now - lastBadFrameReport < BAD_FRAME_REPORT_NANOS) {
            return;
        }
        LOG.warnf("socket %s of user %s: %d bad frame(s) since the last report, latest: %s", id(), user, badFrames,
                why);
        badFramesReported = true;
        lastBadFrameReport = now;
        badFrames = 0;
    }

    /**
     * A reply to the client's own frame (an error frame), under the same bound as notifications: a client that
     * sends bad frames without reading the answers is dropped like any slow reader.
     */
    synchronized boolean reply(String text) {
        return write(text);
    }

    private boolean write(NotificationFrame frame) {
        return write(encoder.apply(frame));
    }

    private boolean write(String text) {
        if (closed) {
            return false;
        }
        if (inFlight >= limit) {
            return tooSlow();
        }
        inFlight++;
        connection.sendText(text).subscribe().with(ok -> flushed(), failure -> {
            flushed();
            LOG.debugf("frame to socket %s of %s not written: %s", id(), user, failure.getMessage());
        });
        return true;
    }

    private synchronized void flushed() {
        inFlight--;
    }

    private boolean tooSlow() {
        closed = true;
        LOG.warnf("socket %s of user %s is %d frames behind; disconnecting it", id(), user, limit);
        connection.close(new CloseReason(TOO_SLOW, "client too slow")).subscribe().with(ok -> {
        }, failure -> LOG.debugf("closing slow socket %s: %s", id(), failure.getMessage()));
        return false;
    }
}
