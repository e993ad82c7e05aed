package io.notiflow.core.store;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@Unremovable // a worker no longer injects it (DeliveryStore writes with JDBC), but its tests read rows through it
public class DeliveryAttemptRepository implements PanacheRepository<DeliveryAttempt> {

    public List<DeliveryAttempt> forNotification(UUID notificationId) {
        return list("notificationId", Sort.ascending("attemptedAt", "id"), notificationId);
    }
}
