package io.notiflow.push.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Optional;
import java.util.UUID;

/** Device tokens never to be tried again. Each method is its own transaction (called from a delivery thread). */
@ApplicationScoped
public class DeadDeviceTokenRepository implements PanacheRepositoryBase<DeadDeviceToken, String> {

    @Transactional
    public Optional<DeadDeviceToken> find(String token) {
        return findByIdOptional(token);
    }

    /** Marks {@code token} dead; the first mark stays when two workers find out at once. */
    @Transactional
    public void markDead(String token, String reason, UUID notificationId) {
        getEntityManager().createNativeQuery("INSERT INTO dead_device_tokens (token, reason, notification_id)"
                        + " VALUES (?1, ?2, ?3) ON CONFLICT (token) DO NOTHING")
                .setParameter(1, token)
                .setParameter(2, reason)
                .setParameter(3, notificationId)
                .executeUpdate();
    }
}
