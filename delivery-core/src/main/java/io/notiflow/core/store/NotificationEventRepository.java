package io.notiflow.core.store;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code notification_events}: the timeline's own rows. Callers own the transactions. */
@ApplicationScoped
public class NotificationEventRepository implements PanacheRepository<NotificationEvent> {

    /** Each of {@code ids} went back to its work queue in DLQ replay {@code replayId}. */
    public void replayed(List<UUID> ids, long replayId, OffsetDateTime at) {
        for (UUID id : ids) {
            NotificationEvent event = new NotificationEvent();
            event.notificationId = id;
            event.kind = NotificationEvent.REPLAYED;
            event.at = at;
            event.details = Map.of("replay_id", replayId);
            persist(event);
        }
    }

    /** The provider reported that it could not deliver notification {@code id}. */
    public void undelivered(UUID id, String provider, String status, String errorClass) {
        NotificationEvent event = new NotificationEvent();
        event.notificationId = id;
        event.kind = NotificationEvent.UNDELIVERED;
        event.at = OffsetDateTime.now(ZoneOffset.UTC);
        event.details = Map.of("provider", provider, "status", status, "error_class", errorClass);
        persist(event);
    }

    public List<NotificationEvent> forNotification(UUID notificationId) {
        return list("notificationId", Sort.ascending("at", "id"), notificationId);
    }
}
