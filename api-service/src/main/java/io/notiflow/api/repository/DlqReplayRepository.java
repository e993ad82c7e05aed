package io.notiflow.api.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class DlqReplayRepository implements PanacheRepositoryBase<DlqReplay, Long> {
}
