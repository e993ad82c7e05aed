package io.notiflow.api.service;

import io.notiflow.core.store.GroupCommit;
import io.notiflow.core.store.IndexPlans;
import io.notiflow.core.store.WriteTimer;
import io.notiflow.core.health.TimedWriters;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import io.notiflow.core.rabbit.ConfirmingPublisher;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.rabbit.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

    private final DataSource database;
    private final JobCodec codec;
    private final JobPublisher jobs;
    private final ConfirmingPublisher publisher;
    private final Semaphore wakeups = new Semaphore(0);
    private final WriteTimer passes = new WriteTimer("outbox-relay");

    private volatile boolean running;
    private volatile boolean topologyDeclared;
    private Thread thread;

    public OutboxRelay(DataSource database, JobCodec codec, JobPublisher jobs, ConfirmingPublisher publisher) {
        this.database = database;
        this.codec = codec;
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
        Batch batch;
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                batch = relay(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                GroupCommit.rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox database unavailable: " + e.getMessage(), e);
        }
        if (batch.published() > 0) {
            LOG.debugf("outbox relay published %d job(s)", batch.published());
        }
        if (batch.failure() != null) {
            throw batch.failure();
        }
        return batch.locked();
    }

    /** Locks a batch of unpublished rows, publishes them in one confirm window, stamps what the broker took. */
    private Batch relay(Connection c) throws SQLException {
        List<JobPublisher.Fresh> fresh = lockUnpublished(c);
        List<UUID> done;
        try {
            // One confirm window for the whole batch; only what the broker confirmed and routed is stamped.
            done = jobs.publishNew(fresh);
        } catch (BrokerUnavailableException e) {
            return new Batch(0, fresh.size(), e);
        }
        if (!done.isEmpty()) {
            try (PreparedStatement stamp = c.prepareStatement(
                    "update notifications set published_at = clock_timestamp() where id = any(?)")) {
                stamp.setArray(1, c.createArrayOf("uuid", done.toArray()));
                stamp.executeUpdate();
            }
        }
        BrokerUnavailableException unroutable = done.size() == fresh.size() ? null
                : new BrokerUnavailableException((fresh.size() - done.size())
                + " job(s) were returned unroutable; they stay in the outbox");
        return new Batch(done.size(), fresh.size(), unroutable);
    }

    /**
     * The outbox: rows the broker has not confirmed yet, oldest first, locked (SKIP LOCKED) so that several
     * api-service instances never publish the same row at the same time.
     */
    private List<JobPublisher.Fresh> lockUnpublished(Connection c) throws SQLException {
        List<JobPublisher.Fresh> fresh = new ArrayList<>();
        // The partial index on created_at where published_at is null is already in the order wanted, so a batch
        // costs the same whatever the backlog. With statistics that predate a burst (autovacuum off, or not yet
        // round), the planner believes the outbox holds a few rows and instead collects and sorts all of it for
        // every batch: 40 ms per batch of 200 with 48,000 rows waiting, which made the relay the bottleneck.
        // So this transaction (the batch and its stamp by key) is planned on the indexes whatever the statistics say.
        IndexPlans.only(c);
        try (PreparedStatement query = c.prepareStatement("select id, type, receiver, subject, title, message, html,"
                + " data, correlation_id, created_at, trace_parent, target_kind from notifications"
                + " where published_at is null"
                + " order by created_at limit ? for update skip locked")) {
            query.setInt(1, BATCH);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String type = rows.getString("type");
                    OffsetDateTime created = rows.getObject("created_at", OffsetDateTime.class);
                    DeliveryJob job = new DeliveryJob(rows.getObject("id", UUID.class),
                            Channel.fromKey(type).orElseThrow(
                                    () -> new IllegalStateException("unknown type '" + type + "' in notifications")),
                            rows.getString("receiver"), rows.getString("subject"), rows.getString("title"),
                            rows.getString("message"), rows.getString("html"), codec.decodeData(rows.getString("data")),
                            rows.getString("correlation_id"), created == null ? null : created.toInstant(),
                            TargetKind.fromKey(rows.getString("target_kind")).orElse(null));
                    fresh.add(new JobPublisher.Fresh(job, rows.getString("trace_parent")));
                }
            }
        }
        return fresh;
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
