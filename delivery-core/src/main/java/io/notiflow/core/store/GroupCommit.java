package io.notiflow.core.store;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit: writes that many threads submit at once are done together, one transaction per group, by a few
 * writer threads. Writes that arrive while a commit is in flight wait and go into the next group. Each caller still
 * returns only once its own write is durable, and gets its own result or its own error.
 * <p>
 * Under a steady stream a commit is often over before the next write arrives, and every group would hold one write.
 * So a writer that finished its last commit less than a {@code window} ago (writes are coming thick and fast) gathers
 * for up to that window after taking a group's first write ({@link Gathering}). An idle writer does not wait: a
 * lone write is committed at once.
 * <p>
 * A group that fails on a data error (SQLSTATE class 22 or 23: one bad item) or on a conflict with another
 * transaction (a deadlock or serialization failure) is written again one item at a time, so only the item at fault
 * fails. Any other database error fails every item of the group: the outcome of a commit whose reply was lost is
 * unknown, as with any transaction.
 * <p>
 * The writer threads start with the first write. Before that, and after {@link #stop()}, writes are done on the
 * caller's thread, so nothing submitted is dropped at shut-down.
 *
 * @param <T> what a caller submits
 * @param <R> what it gets back once its group has committed
 */
public final class GroupCommit<T, R> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** Writes a group inside a transaction that {@link GroupCommit} commits; returns one result per item, in order. */
    @FunctionalInterface
    public interface Writer<T, R> {
        List<R> write(Connection connection, List<T> group) throws SQLException;
    }

    private enum State { NEW, RUNNING, STOPPED }

    private final String name;
    private final DataSource database;
    private final Writer<T, R> writer;
    private final int threads;
    private final int maxGroup;
    private final long waitSeconds;
    private final long windowNanos;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> running = new ArrayList<>();
    /** When each writer thread began the group it is writing now; see {@link #longestWrite}. */
    private final WriteTimer writing;
    private volatile State state = State.NEW;

    /**
     * @param name        names the writer threads and the log lines
     * @param threads     writer threads, so up to that many groups commit at once
     * @param maxGroup    most items in one group
     * @param waitSeconds how long a caller waits for its group's commit before giving up on it
     * @param window      how long a busy writer gathers a group (see above); zero: never
     */
    public GroupCommit(String name, DataSource database, int threads, int maxGroup, long waitSeconds, Duration window,
                       Writer<T, R> writer) {
        this.name = name;
        this.database = database;
        this.writer = writer;
        this.threads = Math.max(1, threads);
        this.maxGroup = Math.max(1, maxGroup);
        this.waitSeconds = waitSeconds;
        this.windowNanos = window.toNanos();
        this.writing = new WriteTimer(name);
    }

    private static final class Pending<T, R> {
        final T item;
        final CompletableFuture<R> done = new CompletableFuture<>();

        Pending(T item) {
            this.item = item;
        }
    }

    /**
     * Writes {@code item} with whatever else is waiting and returns its result once committed. Throws the
     * database's {@link SQLException} when its group (or, after a data error or conflict, the item alone) failed,
     * and an {@link SQLException} with SQLSTATE 08006 when no commit came within the wait.
     */
    public R submit(T item) throws SQLException {
        if (state == State.NEW) {
            start();
        }
        Pending<T, R> pending = new Pending<>(item);
        queue.add(pending);
        if (state == State.STOPPED) {
            writeQueued();
        }
        try {
            return pending.done.get(waitSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(name + " write failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted waiting for the database", "08006", e);
        } catch (TimeoutException e) {
            throw new SQLException("no commit within " + waitSeconds + " s", "08006");
        }
    }

    private synchronized void start() {
        if (state != State.NEW) {
            return;
        }
        state = State.RUNNING;
        for (int i = 1; i <= threads; i++) {
            Thread thread = new Thread(this::loop, name + "-" + i);
            thread.setDaemon(true);
            thread.start();
            running.add(thread);
        }
    }

    /** The name its threads and log lines carry. */
    public String name() {
        return name;
    }

    /** How long the longest of the writer threads' current groups has been writing; zero when none is. */
    public Duration longestWrite() {
        return writing.longest();
    }

    /** Stops the writer threads; what is queued is still written, and later writes run on their callers' threads. */
    public synchronized void stop() {
        state = State.STOPPED;
        running.forEach(Thread::interrupt);
    }

    private void loop() {
        MDC.clear(); // the thread inherited the log context of whichever caller started it; its groups are everyone's
        List<Pending<T, R>> group = new ArrayList<>(maxGroup);
        long lastCommit = System.nanoTime() - windowNanos;
        while (state == State.RUNNING) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break; // stop()
            }
            try {
                long now = System.nanoTime();
                if (now - lastCommit < windowNanos) {
                    Gathering.fill(queue, group, maxGroup, now + windowNanos, () -> state == State.RUNNING);
                } else {
                    queue.drainTo(group, maxGroup - 1);
                }
            } catch (InterruptedException e) {
                // stop() while gathering: the writes taken so far are still written, then the loop ends
            }
            writing.begin();
            try {
                write(group);
            } finally {
                writing.end(group.size());
                group.clear();
            }
            lastCommit = System.nanoTime();
        }
        writeQueued();
    }

    /** Writes what is queued now, in groups. */
    private void writeQueued() {
        List<Pending<T, R>> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (int from = 0; from < rest.size(); from += maxGroup) {
            write(rest.subList(from, Math.min(rest.size(), from + maxGroup)));
        }
    }

    private void write(List<Pending<T, R>> group) {
        try {
            List<R> results = transaction(group);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done.complete(results.get(i));
            }
        } catch (SQLException e) {
            if (group.size() > 1 && (isDataError(e) || isConflict(e))) {
                LOG.warnf("%s: a group of %d failed (SQLSTATE %s: %s); writing them one by one", name, group.size(),
                        e.getSQLState(), firstLine(e.getMessage()));
                for (Pending<T, R> one : group) {
                    write(List.of(one));
                }
                return;
            }
            group.forEach(p -> p.done.completeExceptionally(e));
        } catch (RuntimeException | Error e) {
            // Whoever runs this (a writer thread, or a caller after stop()), every item of the group gets an answer,
            // and a writer thread lives on: an Error (a class that failed to load, say) that ended it would leave
            // every later caller waiting out its timeout with nobody to commit.
            LOG.errorf(e, "%s: group failed", name);
            group.forEach(p -> p.done.completeExceptionally(e));
        }
    }

    private List<R> transaction(List<Pending<T, R>> group) throws SQLException {
        List<T> items = new ArrayList<>(group.size());
        group.forEach(p -> items.add(p.item));
        try (Connection c = database.getConnection()) {
            return Transactions.inTransaction(c, tx -> {
                List<R> results = writer.write(tx, items);
                if (results.size() != items.size()) {
                    throw new IllegalStateException(name + ": " + results.size() + " results for " + items.size()
                            + " items");
                }
                return results;
            });
        }
    }

    /** The database's message without what follows its first line (a batch error quotes the whole statement). */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): an item, not the database. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** 40001 (serialization failure) and 40P01 (deadlock): another transaction got in the way; worth another go. */
    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** Rolls back a transaction whose connection may already be gone (and its transaction with it). */
    public static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; so is the transaction and its locks
        }
    }
}
