package io.notiflow.inapp.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * Status writes that need not hold up a socket: {@code sent} once a row was pushed, {@code delivered} once a client
 * acked it. Both go through a {@link Batcher}, many rows per statement, off the fan-out consumer's and the socket's
 * threads.
 * <p>
 * The marks are bookkeeping, not the delivery: a row still {@code queued} when its mark is lost (the gateway died
 * before writing it) is in the user's unread backlog either way. A database outage holds marks (bounded by
 * {@link #CAPACITY}) and writes them when it is back.
 */
@ApplicationScoped
public class StatusMarks {

    static final int CAPACITY = 100_000;
    private static final Logger LOG = Logger.getLogger(StatusMarks.class);
    private static final int BATCH = 500;

    private final Batcher<UUID> sent;
    private final Batcher<InboxService.Ack> acks;

    public StatusMarks(InboxService inbox) {
        this.sent = new Batcher<>("inapp-sent-marks", CAPACITY, BATCH, inbox::pushed);
        this.acks = new Batcher<>("inapp-ack-marks", CAPACITY, BATCH, inbox::acknowledge);
    }

    void start(@Observes StartupEvent event) {
        sent.start();
        acks.start();
    }

    void stop(@Observes ShutdownEvent event) {
        sent.stop();
        acks.stop();
    }

    /** Queues the mark of a row pushed to at least one socket. */
    public void pushed(UUID id) {
        if (!sent.offer(id)) {
            LOG.warnf("sent marks backlog full (%d); notification %s stays queued in the database", CAPACITY, id);
        }
    }

    /**
     * Queues a client's ack of row {@code id}; {@code unknown} runs (on the writer's thread) when {@code user} has no
     * such row.
     */
    public void acknowledged(String user, UUID id, Runnable unknown) {
        if (!acks.offer(new InboxService.Ack(user, id, unknown))) {
            LOG.warnf("ack backlog full (%d); the ack of notification %s by %s is dropped", CAPACITY, id, user);
        }
    }
}
