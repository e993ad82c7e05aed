package io.notiflow.api.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Queries on {@code users} and their device tokens; callers own the transactions. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, String> {

    public List<User> findAll(Collection<String> ids) {
        return list("id in ?1", List.copyOf(ids));
    }

    /** Of {@code tokens}, those the push worker has found dead (FCM answered UNREGISTERED). */
    public Set<String> deadTokens(Collection<String> tokens) {
        if (tokens.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<String> dead = getEntityManager()
                .createNativeQuery("SELECT token FROM dead_device_tokens WHERE token IN (:tokens)", String.class)
                .setParameter("tokens", List.copyOf(tokens))
                .getResultList();
        return new HashSet<>(dead);
    }
}
