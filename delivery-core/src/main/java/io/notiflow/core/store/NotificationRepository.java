package io.notiflow.core.store;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Queries on {@code notifications}; callers own the transactions. */
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
}
