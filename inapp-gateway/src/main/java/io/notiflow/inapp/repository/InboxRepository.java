package io.notiflow.inapp.repository;

import io.notiflow.core.store.IndexPlans;
import io.notiflow.core.job.JobCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A user's in-app rows in {@code notifications}: those whose target is that user ({@code target_kind = 'user'}
 * and {@code receiver = :user}). Every query is scoped so, so no path through here reads or changes another
 * user's rows, nor a room's or everyone's, whatever the user id is spelled like. Status moves only forward
 * (queued/retrying → sent → delivered → read); each update names the statuses it may leave. Callers own the
 * transactions.
 */
@ApplicationScoped
public class InboxRepository {

    /** Personal in-app rows of one user (rooms and everyone are live only, see README). */
    private static final String MINE = "type = 'inapp' and target_kind = 'user' and receiver = :user";
    /** Not read yet, and meant to be shown. */
    private static final String UNREAD = "read_at is null and status <> 'skipped'";
    private static final String COLUMNS = "id, title, message, data::text, status, created_at, delivered_at, read_at";
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

    private final EntityManager em;
    private final JobCodec codec;
    private final DataSource database;

    public InboxRepository(EntityManager em, JobCodec codec, DataSource database) {
        this.em = em;
        this.codec = codec;
        this.database = database;
    }

    /** Unread rows, newest first, at most {@code limit}. */
    public List<InboxEntry> unread(String user, int limit) {
        return entries(em.createNativeQuery("select " + COLUMNS + " from notifications where " + MINE + " and "
                        + UNREAD + " order by created_at desc, id desc")
                .setParameter("user", user)
                .setMaxResults(limit));
    }

    /** One page of every row, newest first. */
    public List<InboxEntry> page(String user, int offset, int size) {
        return entries(em.createNativeQuery("select " + COLUMNS + " from notifications where " + MINE
                        + " order by created_at desc, id desc")
                .setParameter("user", user)
                .setFirstResult(offset)
                .setMaxResults(size));
    }

    public long count(String user) {
        return ((Number) em.createNativeQuery("select count(*) from notifications where " + MINE)
                .setParameter("user", user).getSingleResult()).longValue();
    }

    public long unreadCount(String user) {
        return ((Number) em.createNativeQuery("select count(*) from notifications where " + MINE + " and " + UNREAD)
                .setParameter("user", user).getSingleResult()).longValue();
    }

    public boolean exists(String user, UUID id) {
        return !em.createNativeQuery("select 1 from notifications where id = :id and " + MINE)
                .setParameter("id", id).setParameter("user", user).getResultList().isEmpty();
    }

    /** A row of a user: what an ack names. */
    public record Owned(String user, UUID id) {
    }

    /**
     * A batch of the clients' acks, in the caller's transaction: each row moves to delivered only for its own user.
     * Returns the rows that moved.
     */
    public Set<Owned> markAcked(List<? extends Pairs> acks) {
        if (acks.isEmpty()) {
            return Set.of();
        }
        return jdbc(c -> {
            lockInKeyOrder(c, c.createArrayOf("uuid", acks.stream().map(Pairs::id).distinct().toArray()));
            return owned(c, "update notifications n set status = 'delivered', delivered_at = now(),"
                    + " sent_at = coalesce(n.sent_at, now()), last_error = null, updated_at = now() from " + ACKED
                    + " where n.id = a.id and n.receiver = a.receiver and " + PERSONAL
                    + " and (n.status || '') in ('queued', 'retrying', 'sent') returning n.receiver, n.id", acks);
        });
    }

    /** Which of these rows exist for the user named with each. */
    public Set<Owned> owned(List<? extends Pairs> acks) {
        return jdbc(c -> owned(c, "select n.receiver, n.id from notifications n join " + ACKED
                + " on n.id = a.id and n.receiver = a.receiver where " + PERSONAL, acks));
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

    /** Something naming a user's row. */
    public interface Pairs {
        String user();

        UUID id();
    }

    /** {@code sql} joins {@link #ACKED} (bound to these acks) and returns (receiver, id) rows. */
    private static Set<Owned> owned(Connection c, String sql, List<? extends Pairs> acks) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            query.setArray(1, c.createArrayOf("uuid", acks.stream().map(Pairs::id).toArray()));
            query.setArray(2, c.createArrayOf("varchar", acks.stream().map(Pairs::user).toArray()));
            Set<Owned> rows = new HashSet<>();
            try (ResultSet found = query.executeQuery()) {
                while (found.next()) {
                    rows.add(new Owned(found.getString(1), found.getObject(2, UUID.class)));
                }
            }
            return rows;
        }
    }

    /**
     * The batched marks run often and name many rows, so they are plain JDBC with one array parameter rather than a
     * Hibernate native query with one parameter per row (which spent more CPU building the query than the database
     * spent running it). The connection is the caller's transaction's.
     */
    private <T> T jdbc(Work<T> work) {
        try (Connection c = database.getConnection()) {
            IndexPlans.only(c); // the marks find their rows by key
            return work.run(c);
        } catch (SQLException e) {
            throw new PersistenceException("in-app status marks: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The user read the row; an unacknowledged one counts as delivered too. */
    public int markRead(String user, UUID id) {
        return em.createNativeQuery("update notifications set status = 'read', read_at = now(),"
                        + " delivered_at = coalesce(delivered_at, now()), sent_at = coalesce(sent_at, now()),"
                        + " last_error = null, updated_at = now() where id = :id and " + MINE + " and " + UNREAD)
                .setParameter("id", id).setParameter("user", user).executeUpdate();
    }

    public int markAllRead(String user) {
        return em.createNativeQuery("update notifications set status = 'read', read_at = now(),"
                        + " delivered_at = coalesce(delivered_at, now()), sent_at = coalesce(sent_at, now()),"
                        + " last_error = null, updated_at = now() where " + MINE + " and " + UNREAD)
                .setParameter("user", user).executeUpdate();
    }

    @SuppressWarnings("unchecked")
    private List<InboxEntry> entries(Query query) {
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(this::entry).toList();
    }

    private InboxEntry entry(Object[] row) {
        return new InboxEntry((UUID) row[0], (String) row[1], (String) row[2], codec.decodeData((String) row[3]),
                (String) row[4], instant(row[5]), instant(row[6]),
                instant(row[7]));
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
