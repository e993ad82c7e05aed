package io.notiflow.core.store;

import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The clients' acks, written off the sockets' threads: {@code delivered} once a client acked a row. One
 * {@link Batcher} writes them: what arrives within {@link #WINDOW} is one transaction. A database outage holds acks
 * (bounded by {@link #CAPACITY}) and writes them when it is back; an ack lost in a crash leaves the row {@code sent},
 * still in the user's unread backlog.
 * <p>
 * The batches are plain JDBC with one array parameter rather than a Hibernate native query with one parameter per
 * row (which spent more CPU building the query than the database spent running it), in a transaction of their own.
 */
final class InboxAcks {

    static final String WRITER = "inapp-status-marks";
    static final int CAPACITY = 100_000;
    /** How long a batch gathers acks after its first: how much later than the event SQL may show it. */
    static final Duration WINDOW = Duration.ofMillis(20);
    private static final Logger LOG = Logger.getLogger(InboxAcks.class);
    private static final int BATCH = 1000;

    /**
     * The batched acks find their rows by primary key, and must keep doing so. Their other conditions are
     * written as {@code (column || '')}, which no index matches: with statistics from before a burst (autovacuum
     * off, or behind) the planner took {@code type = 'inapp'} as reason to walk the partial inbox index and filter
     * every in-app row for each batch (20,000 rows for a batch of 100 in a probe), and a plain status condition
     * can draw it to the status index the same way.
     */
    private static final String PERSONAL = "(n.type || '') = 'inapp' and (n.target_kind || '') = 'user'";
    /** The (id, receiver) pairs of a batch of acks, as a relation {@code a}: two array parameters. */
    private static final String ACKED = "unnest(cast(? as uuid[]), cast(? as varchar[])) as a(id, receiver)";

    /** A client's ack of row {@code id}; {@code unknown} is run when {@code user} has no such row. */
    record Ack(String user, UUID id, Runnable unknown) {
    }

    /** A row of a user: what an ack names. */
    private record Owned(String user, UUID id) {
        static Owned of(Ack ack) {
            return new Owned(ack.user(), ack.id());
        }
    }

    private final DataSource database;
    private final Batcher<Ack> marks;

    InboxAcks(DataSource database) {
        this.database = database;
        this.marks = new Batcher<>(WRITER, CAPACITY, BATCH, WINDOW, this::write);
    }

    void start() {
        marks.start();
    }

    /** Stops the writer and writes what is still queued. */
    void stop() {
        marks.stop();
    }

    /** How long the writer has been inside the write of its batch in hand; zero when it is not writing. */
    Duration longestWrite() {
        return marks.longestWrite();
    }

    /** Queues an ack; {@code unknown} runs (on the writer's thread) when {@code user} has no such row. */
    void offer(String user, UUID id, Runnable unknown) {
        if (!marks.offer(new Ack(user, id, unknown))) {
            LOG.warnf("status marks backlog full (%d); the ack of notification %s by %s is dropped", CAPACITY, id,
                    user);
        }
    }

    /**
     * A batch of the clients' acks, in one transaction: each row moves to delivered only for its own user (acking a
     * row that is further along is fine). For an acked id its user does not own, the ack's {@code unknown} runs
     * after the commit.
     */
    void write(List<Ack> acks) {
        if (acks.isEmpty()) {
            return;
        }
        List<Ack> unknown;
        try (Connection c = database.getConnection()) {
            unknown = Transactions.inTransaction(c, tx -> unknown(tx, acks)); // the marks find their rows by key
        } catch (SQLException e) {
            throw new PersistenceException("in-app status marks: " + e.getMessage(), e);
        }
        unknown.forEach(a -> a.unknown().run());
    }

    /** Moves the acked rows to delivered; returns the acks whose user has no such row. */
    private static List<Ack> unknown(Connection c, List<Ack> acks) throws SQLException {
        lockInKeyOrder(c, c.createArrayOf("uuid", acks.stream().map(Ack::id).distinct().toArray()));
        Set<Owned> moved = owned(c, "update notifications n set status = 'delivered', delivered_at = now(),"
                + " sent_at = coalesce(n.sent_at, now()), last_error = null, updated_at = now() from " + ACKED
                + " where n.id = a.id and n.receiver = a.receiver and " + PERSONAL
                + " and (n.status || '') in ('queued', 'retrying', 'sent') returning n.receiver, n.id", acks);
        List<Ack> rest = acks.stream().filter(a -> !moved.contains(Owned.of(a))).toList();
        if (rest.isEmpty()) {
            return rest;
        }
        Set<Owned> owned = owned(c, "select n.receiver, n.id from notifications n join " + ACKED
                + " on n.id = a.id and n.receiver = a.receiver where " + PERSONAL, rest);
        return rest.stream().filter(a -> !owned.contains(Owned.of(a))).toList();
    }

    /**
     * Locks the rows in key order before a batched update, as the workers' grouped status writes do
     * ({@code StatusRecorder.KEY_ORDER}): the update itself locks in the order it scans, and two batches (sent marks,
     * acks, a group of hop-1 verdicts) that lock overlapping rows in different orders deadlock.
     */
    private static void lockInKeyOrder(Connection c, Array keys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(
                "select id from notifications where id = any(?) order by id for update")) {
            lock.setArray(1, keys);
            lock.executeQuery().close();
        }
    }

    /** {@code sql} joins {@link #ACKED} (bound to these acks) and returns (receiver, id) rows. */
    private static Set<Owned> owned(Connection c, String sql, List<Ack> acks) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            query.setArray(1, c.createArrayOf("uuid", acks.stream().map(Ack::id).toArray()));
            query.setArray(2, c.createArrayOf("varchar", acks.stream().map(Ack::user).toArray()));
            Set<Owned> rows = new HashSet<>();
            try (ResultSet found = query.executeQuery()) {
                while (found.next()) {
                    rows.add(new Owned(found.getString(1), found.getObject(2, UUID.class)));
                }
            }
            return rows;
        }
    }
}
