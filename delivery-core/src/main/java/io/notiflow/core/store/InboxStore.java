package io.notiflow.core.store;

import io.notiflow.core.health.TimedWriters;
import io.notiflow.core.job.JobCodec;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Users' inboxes: a user's in-app rows in {@code notifications}, those whose target is that user
 * ({@code target_kind = 'user'} and {@code receiver = :user}). Every query is scoped so, so no path through here reads
 * or changes another user's rows, nor a room's or everyone's, whatever the user id is spelled like. Status moves only
 * forward (queued/retrying → sent → delivered → read); each update names the statuses it may leave. Callers own the
 * transactions of the reads and the read marks; the clients' acks are batched here ({@link #acknowledge}).
 * <p>
 * Only a service that sets {@value #ENABLED} (the in-app gateway) has this bean: its acks writer starts with the
 * service, so liveness watches it from the first probe, and no other service runs it.
 */
@ApplicationScoped
@IfBuildProperty(name = InboxStore.ENABLED, stringValue = "true")
public class InboxStore implements TimedWriters {

    /** Build-time switch of the services that serve users' inboxes. */
    public static final String ENABLED = "notiflow.store.inbox";
    /** Personal in-app rows of one user (rooms and everyone are live only, see README). */
    private static final String MINE = "type = 'inapp' and target_kind = 'user' and receiver = :user";
    /** Not read yet, and meant to be shown. */
    private static final String UNREAD = "read_at is null and status <> 'skipped'";
    private static final String COLUMNS = "id, title, message, data::text, status, created_at, delivered_at, read_at";

    private final EntityManager em;
    private final JobCodec codec;
    private final InboxAcks acks;

    public InboxStore(EntityManager em, JobCodec codec, DataSource database) {
        this.em = em;
        this.codec = codec;
        this.acks = new InboxAcks(database);
    }

    void start(@Observes StartupEvent event) {
        acks.start();
    }

    void stop(@Observes ShutdownEvent event) {
        acks.stop();
    }

    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(InboxAcks.WRITER, acks.longestWrite());
    }

    /**
     * A client's ack of row {@code id}: the row goes {@code delivered}, written with the other acks of the moment in
     * one transaction, off the caller's thread (which never waits for the database). {@code unknown} runs (on the
     * writer's thread, after the commit) when {@code user} has no such row.
     */
    public void acknowledge(String user, UUID id, Runnable unknown) {
        acks.offer(user, id, unknown);
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
