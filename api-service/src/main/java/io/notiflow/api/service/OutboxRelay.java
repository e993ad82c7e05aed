package io.notiflow.api.service;

import io.notiflow.core.store.OutboxStore;
import io.notiflow.core.store.WriteTimer;
import io.notiflow.core.health.TimedWriters;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import io.notiflow.core.rabbit.ConfirmingPublisher;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.rabbit.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The transactional outbox relay: publishes committed rows the broker has not confirmed yet
 * ({@code published_at IS NULL}) and stamps them once confirmed. Woken right after each accept (while accepts
 * stream in, at most one pass per {@link #WINDOW_NANOS 5 ms}, so each pass takes several); also sweeps every
 * second, which is what recovers rows left behind by a broker outage or a crash. Rows are locked with
 * SKIP LOCKED, so several api-service instances share the work without publishing a row twice at once.
 * <p>
 * A crash between the confirm and the stamp republishes that row later; the worker sees it already sent and
 * drops the copy.
 */
@ApplicationScoped
public class OutboxRelay implements TimedWriters {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    private static final long SWEEP_MS = 1000;
    private static final long BACKOFF_MS = 2000;
    /** Under a steady stream of accepts, at most one pass per this long: a few ms on a delivery, fewer transactions. */
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final OutboxStore outbox;
    private final JobPublisher jobs;
    private final ConfirmingPublisher publisher;
    private final Semaphore wakeups = new Semaphore(0);
    private final WriteTimer passes = new WriteTimer("outbox-relay");

    private volatile boolean running;
    private volatile boolean topologyDeclared;
    private Thread thread;

    public OutboxRelay(OutboxStore outbox, JobPublisher jobs, ConfirmingPublisher publisher) {
        this.outbox = outbox;
        this.jobs = jobs;
        this.publisher = publisher;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A pass in progress (one batch: lock, publish, confirm, stamp), as the writers' liveness check sees it. */
    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(passes.writer(), passes.longest());
    }

    /** Asks the relay to run now rather than at its next sweep. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                int published;
                do {
                    published = relayBatch();
                } while (published == BATCH && running);
                long passEnded = System.nanoTime();
                wakeups.tryAcquire(SWEEP_MS, TimeUnit.MILLISECONDS);
                // Woken within the window of the last pass: accepts are streaming in. Let a few more commit and
                // take them in one pass, instead of a transaction and a confirm round per accepted group.
                long since = System.nanoTime() - passEnded;
                if (since < WINDOW_NANOS) {
                    TimeUnit.NANOSECONDS.sleep(WINDOW_NANOS - since);
                }
                wakeups.drainPermits();
            } catch (BrokerUnavailableException e) {
                topologyDeclared = false;
                LOG.warnf("outbox relay paused, broker unavailable: %s", e.getMessage());
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "outbox relay pass failed; retrying");
                pause();
            }
        }
    }

    /** Publishes one batch in one transaction; returns how many rows it took (all published, or it throws). */
    int relayBatch() {
        passes.begin();
        int taken = 0;
        try {
            taken = relayOneBatch();
            return taken;
        } finally {
            passes.end(taken);
        }
    }

    private int relayOneBatch() {
        ensureTopology();
        int[] published = {0};
        BrokerUnavailableException[] failure = {null};
        int locked = outbox.relay(BATCH, fresh -> {
            List<UUID> done;
            try {
                // One confirm window for the whole batch; only what the broker confirmed and routed is stamped.
                done = jobs.publishNew(fresh);
            } catch (BrokerUnavailableException e) {
                failure[0] = e;
                return List.of();
            }
            published[0] = done.size();
            if (done.size() != fresh.size()) {
                failure[0] = new BrokerUnavailableException((fresh.size() - done.size())
                        + " job(s) were returned unroutable; they stay in the outbox");
            }
            return done;
        });
        if (published[0] > 0) {
            LOG.debugf("outbox relay published %d job(s)", published[0]);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return locked;
    }

    /** The API publishes into every channel's work queue, so every one must exist and be bound. */
    private void ensureTopology() {
        if (!topologyDeclared) {
            publisher.onChannel(amqp -> Topology.declareWorkQueues(amqp, Arrays.asList(Channel.values())));
            topologyDeclared = true;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
