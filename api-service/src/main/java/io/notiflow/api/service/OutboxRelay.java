package io.notiflow.api.service;

import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import io.notiflow.core.rabbit.ConfirmingPublisher;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.status.Notification;
import io.notiflow.core.status.NotificationRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The transactional outbox relay: publishes committed rows the broker has not confirmed yet
 * ({@code published_at IS NULL}) and stamps them once confirmed. Woken right after each accept; also sweeps
 * every second, which is what recovers rows left behind by a broker outage or a crash. Rows are locked with
 * SKIP LOCKED, so several api-service instances share the work without publishing a row twice at once.
 * <p>
 * A crash between the confirm and the stamp republishes that row later; the worker sees it already sent and
 * drops the copy.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    private static final long SWEEP_MS = 1000;
    private static final long BACKOFF_MS = 2000;

    private final NotificationRepository notifications;
    private final JobPublisher jobs;
    private final ConfirmingPublisher publisher;
    private final Semaphore wakeups = new Semaphore(0);

    private volatile boolean running;
    private volatile boolean topologyDeclared;
    private Thread thread;

    public OutboxRelay(NotificationRepository notifications, JobPublisher jobs, ConfirmingPublisher publisher) {
        this.notifications = notifications;
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
                wakeups.tryAcquire(SWEEP_MS, TimeUnit.MILLISECONDS);
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
        ensureTopology();
        Batch batch = QuarkusTransaction.requiringNew().call(() -> {
            List<Notification> pending = notifications.lockUnpublished(BATCH);
            List<JobPublisher.Fresh> fresh = new ArrayList<>(pending.size());
            for (Notification row : pending) {
                fresh.add(new JobPublisher.Fresh(row.toJob(), row.traceParent));
            }
            List<UUID> done;
            try {
                // One confirm window for the whole batch; only what the broker confirmed and routed is stamped.
                done = jobs.publishNew(fresh);
            } catch (BrokerUnavailableException e) {
                return new Batch(0, pending.size(), e);
            }
            notifications.markPublished(done, OffsetDateTime.now(ZoneOffset.UTC));
            BrokerUnavailableException unroutable = done.size() == pending.size() ? null
                    : new BrokerUnavailableException((pending.size() - done.size())
                    + " job(s) were returned unroutable; they stay in the outbox");
            return new Batch(done.size(), pending.size(), unroutable);
        });
        if (batch.published() > 0) {
            LOG.debugf("outbox relay published %d job(s)", batch.published());
        }
        if (batch.failure() != null) {
            throw batch.failure();
        }
        return batch.locked();
    }

    private record Batch(int published, int locked, BrokerUnavailableException failure) {
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
