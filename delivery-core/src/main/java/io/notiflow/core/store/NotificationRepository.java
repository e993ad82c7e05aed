package io.notiflow.core.store;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Queries on {@code notifications} for the API and the operator's overview; callers own the transactions. */
@ApplicationScoped
@Unremovable // a worker no longer injects it (DeliveryStore writes with JDBC), but its tests read rows through it
public class NotificationRepository implements PanacheRepositoryBase<Notification, UUID> {

    public Optional<NotificationStatus> statusOf(UUID id) {
        return getEntityManager()
                .createQuery("select n.status from Notification n where n.id = :id", NotificationStatus.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst();
    }

    /** When each of these rows last changed, to requeue them later only if nothing has touched them since. */
    public Map<UUID, OffsetDateTime> lastChanges(List<UUID> ids) {
        Map<UUID, OffsetDateTime> changed = new HashMap<>();
        if (ids.isEmpty()) {
            return changed;
        }
        getEntityManager()
                .createQuery("select n.id, n.updatedAt from Notification n where n.id in :ids", Object[].class)
                .setParameter("ids", ids)
                .getResultList()
                .forEach(row -> changed.put((UUID) row[0], (OffsetDateTime) row[1]));
        return changed;
    }

    /**
     * A {@code failed} row whose job went back to the work queue is {@code queued} again with a fresh retry
     * count, unless a worker has changed it since {@code lastChange} (it already took the replayed job).
     */
    public boolean requeueReplayed(UUID id, OffsetDateTime lastChange, OffsetDateTime now) {
        return update("status = ?1, retries = 0, lastError = null, updatedAt = ?2"
                        + " where id = ?3 and status = ?4 and updatedAt = ?5",
                NotificationStatus.QUEUED, now, id, NotificationStatus.FAILED, lastChange) == 1;
    }

    public void markPublished(List<UUID> ids, OffsetDateTime at) {
        if (ids.isEmpty()) {
            return;
        }
        update("publishedAt = ?1 where id in ?2", at, new ArrayList<>(ids));
    }

    /** Newest first; {@code since} inclusive, {@code until} exclusive, on {@code created_at}. */
    public List<Notification> list(NotificationFilter filter, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        where(query, params, "status", "status = :status", filter.status());
        where(query, params, "type", "type = :type", filter.type());
        where(query, params, "receiver", "receiver = :receiver", filter.receiver());
        where(query, params, "userId", "userId = :userId", filter.userId());
        where(query, params, "since", "createdAt >= :since", filter.since());
        where(query, params, "until", "createdAt < :until", filter.until());
        return find(query.toString(), Sort.descending("createdAt").and("id", Sort.Direction.Descending), params)
                .page(Page.ofSize(limit))
                .list();
    }

    private static void where(StringBuilder query, Map<String, Object> params, String name, String condition,
                              Object value) {
        if (value != null) {
            query.append(" and ").append(condition);
            params.put(name, value);
        }
    }

    /** How many rows of each type stand at each status. */
    public record TypeStatusCount(String type, String status, long count) {
    }

    public List<TypeStatusCount> countsByTypeAndStatus() {
        List<TypeStatusCount> counts = new ArrayList<>();
        for (Object row : getEntityManager().createNativeQuery("select type, status, count(*) from notifications"
                + " group by type, status order by type, status").getResultList()) {
            Object[] cols = (Object[]) row;
            counts.add(new TypeStatusCount((String) cols[0], (String) cols[1], ((Number) cols[2]).longValue()));
        }
        return counts;
    }

    /** Sends per minute (by {@code sent_at}, UTC) from {@code from} on. */
    public Map<OffsetDateTime, Long> sentPerMinute(OffsetDateTime from) {
        return perMinute("select date_trunc('minute', sent_at), count(*) from notifications"
                + " where sent_at >= :from group by 1", from);
    }

    /** Rows now failed, per minute they were parked (by {@code updated_at}, UTC), from {@code from} on. */
    public Map<OffsetDateTime, Long> failedPerMinute(OffsetDateTime from) {
        return perMinute("select date_trunc('minute', updated_at), count(*) from notifications"
                + " where status = 'failed' and updated_at >= :from group by 1", from);
    }

    private Map<OffsetDateTime, Long> perMinute(String sql, OffsetDateTime from) {
        Map<OffsetDateTime, Long> counts = new LinkedHashMap<>();
        for (Object row : getEntityManager().createNativeQuery(sql).setParameter("from", from).getResultList()) {
            Object[] cols = (Object[]) row;
            counts.merge(minute(cols[0]), ((Number) cols[1]).longValue(), Long::sum);
        }
        return counts;
    }

    private static OffsetDateTime minute(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant t) {
            return t.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
