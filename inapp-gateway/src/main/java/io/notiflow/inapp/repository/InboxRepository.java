package io.notiflow.inapp.repository;

import io.notiflow.core.job.JobCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A user's in-app rows in {@code notifications}. Every query is scoped by {@code receiver = :user}, so no path
 * through here reads or changes another user's rows. Status moves only forward
 * (queued/retrying → sent → delivered → read); each update names the statuses it may leave. Callers own the
 * transactions.
 */
@ApplicationScoped
public class InboxRepository {

    /** Personal in-app rows of one user (rooms and broadcasts are live only, see README). */
    private static final String MINE = "type = 'inapp' and receiver = :user";
    /** Not read yet, and meant to be shown. */
    private static final String UNREAD = "read_at is null and status <> 'skipped'";
    private static final String COLUMNS = "id, title, message, data::text, status, created_at, delivered_at, read_at";
    /**
     * The batched marks below find their rows by primary key, and must keep doing so. Their other conditions are
     * written as {@code (column || '')}, which no index matches: with statistics from before a burst (autovacuum
     * off, or behind) the planner took {@code type = 'inapp'} as reason to walk the partial inbox index and filter
     * every in-app row for each batch (20,000 rows for a batch of 100 in a probe), and a plain status condition
     * can draw it to the status index the same way.
     */
    private static final String INAPP = "(type || '') = 'inapp'";

    private final EntityManager em;
    private final JobCodec codec;

    public InboxRepository(EntityManager em, JobCodec codec) {
        this.em = em;
        this.codec = codec;
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

    /** Pushed to at least one socket. Any row (personal, room or broadcast) that was still waiting. */
    public int markSent(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery("update notifications set status = 'sent', sent_at = coalesce(sent_at, now()),"
                        + " last_error = null, updated_at = now() where id in (:ids) and " + INAPP
                        + " and (status || '') in ('queued', 'retrying')")
                .setParameter("ids", ids).executeUpdate();
    }

    /** A row of a user: what an ack names. */
    public record Owned(String user, UUID id) {
    }

    /** Clients acknowledged these rows; returns those that moved to delivered (each only for its own user). */
    public Set<Owned> markDelivered(List<? extends Pairs> acks) {
        return owned(em.createNativeQuery("update notifications set status = 'delivered', delivered_at = now(),"
                + " sent_at = coalesce(sent_at, now()), last_error = null, updated_at = now()"
                + " where " + INAPP + " and (id, receiver) in (" + pairs(acks.size()) + ")"
                + " and (status || '') in ('queued', 'retrying', 'sent') returning receiver, id"), acks);
    }

    /** Which of these rows exist for the user named with each. */
    public Set<Owned> owned(List<? extends Pairs> acks) {
        return owned(em.createNativeQuery("select receiver, id from notifications where " + INAPP
                + " and (id, receiver) in (" + pairs(acks.size()) + ")"), acks);
    }

    /** Something naming a user's row. */
    public interface Pairs {
        String user();

        UUID id();
    }

    private static String pairs(int count) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ", ").append("(cast(?").append(2 * i + 1).append(" as uuid), cast(?")
                    .append(2 * i + 2).append(" as varchar))");
        }
        return sql.toString();
    }

    @SuppressWarnings("unchecked")
    private static Set<Owned> owned(Query query, List<? extends Pairs> acks) {
        for (int i = 0; i < acks.size(); i++) {
            query.setParameter(2 * i + 1, acks.get(i).id());
            query.setParameter(2 * i + 2, acks.get(i).user());
        }
        Set<Owned> rows = new HashSet<>();
        for (Object[] row : (List<Object[]>) query.getResultList()) {
            rows.add(new Owned((String) row[0], (UUID) row[1]));
        }
        return rows;
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
