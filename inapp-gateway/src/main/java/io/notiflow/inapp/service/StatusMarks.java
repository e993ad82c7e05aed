package io.notiflow.inapp.service;

import io.notiflow.core.health.TimedWriters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Status writes that need not hold up a socket: {@code sent} once a row was pushed, {@code delivered} once a client
 * acked it. Both kinds go through one {@link Batcher}, off the fan-out consumer's and the sockets' threads: what
 * arrives within {@link #WINDOW} is one transaction. A client usually acks within milliseconds of the push, so the
 * push and the ack of a row mostly land in the same batch, and the row then goes straight to {@code delivered}
 * (one row update instead of two, see {@link InboxService#mark}).
 * <p>
 * The marks are bookkeeping, not the delivery: a row still {@code queued} when its mark is lost (the gateway died
 * before writing it) is in the user's unread backlog either way. A database outage holds marks (bounded by
 * {@link #CAPACITY}) and writes them when it is back.
 */
@ApplicationScoped
public class StatusMarks implements TimedWriters {

    static final int CAPACITY = 100_000;
    /** How long a batch gathers marks after its first: how much later than the event SQL may show it. */
    static final Duration WINDOW = Duration.ofMillis(20);
    private static final Logger LOG = Logger.getLogger(StatusMarks.class);
    private static final int BATCH = 1000;

    /** A row pushed to a socket, or a client's ack of one. */
    private sealed interface Mark permits Pushed, Acked {
    }

    private record Pushed(UUID id) implements Mark {
    }

    private record Acked(InboxService.Ack ack) implements Mark {
    }

    private final Batcher<Mark> marks;

    public StatusMarks(InboxService inbox) {
        this.marks = new Batcher<>("inapp-status-marks", CAPACITY, BATCH, WINDOW, batch -> {
            List<UUID> pushed = new ArrayList<>();
            List<InboxService.Ack> acks = new ArrayList<>();
            for (Mark mark : batch) {
                if (mark instanceof Pushed p) {
                    pushed.add(p.id());
                } else if (mark instanceof Acked a) {
                    acks.add(a.ack());
                }
            }
            inbox.mark(pushed, acks);
        });
    }

    void start(@Observes StartupEvent event) {
        marks.start();
    }

    void stop(@Observes ShutdownEvent event) {
        marks.stop();
    }

    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(marks.name(), marks.longestWrite());
    }

    /** Queues the mark of a row pushed to at least one socket. */
    public void pushed(UUID id) {
        if (!marks.offer(new Pushed(id))) {
            LOG.warnf("status marks backlog full (%d); notification %s stays queued in the database", CAPACITY, id);
        }
    }

    /**
     * Queues a client's ack of row {@code id}; {@code unknown} runs (on the writer's thread) when {@code user} has no
     * such row.
     */
    public void acknowledged(String user, UUID id, Runnable unknown) {
        if (!marks.offer(new Acked(new InboxService.Ack(user, id, unknown)))) {
            LOG.warnf("status marks backlog full (%d); the ack of notification %s by %s is dropped", CAPACITY, id,
                    user);
        }
    }
}
