package io.notiflow.inapp.service;

import io.notiflow.core.health.TimedWriters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The clients' acks, written off the sockets' threads: {@code delivered} once a client acked a row. One
 * {@link Batcher} writes them: what arrives within {@link #WINDOW} is one transaction. A database outage holds acks
 * (bounded by {@link #CAPACITY}) and writes them when it is back; an ack lost in a crash leaves the row {@code sent},
 * still in the user's unread backlog.
 */
@ApplicationScoped
public class StatusMarks implements TimedWriters {

    static final int CAPACITY = 100_000;
    /** How long a batch gathers acks after its first: how much later than the event SQL may show it. */
    static final Duration WINDOW = Duration.ofMillis(20);
    private static final Logger LOG = Logger.getLogger(StatusMarks.class);
    private static final int BATCH = 1000;

    private final Batcher<InboxService.Ack> marks;

    public StatusMarks(InboxService inbox) {
        this.marks = new Batcher<>("inapp-status-marks", CAPACITY, BATCH, WINDOW, inbox::mark);
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

    /**
     * Queues a client's ack of row {@code id}; {@code unknown} runs (on the writer's thread) when {@code user} has no
     * such row.
     */
    public void acknowledged(String user, UUID id, Runnable unknown) {
        if (!marks.offer(new InboxService.Ack(user, id, unknown))) {
            LOG.warnf("status marks backlog full (%d); the ack of notification %s by %s is dropped", CAPACITY, id,
                    user);
        }
    }
}
