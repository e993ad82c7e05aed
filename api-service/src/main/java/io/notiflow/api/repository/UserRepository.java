package io.notiflow.api.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** Queries on {@code users}; callers own the transactions. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, String> {

    public List<User> findAll(Collection<String> ids) {
        return list("id in ?1", List.copyOf(ids));
    }
}
