package io.notiflow.api.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class AcceptedRequestRepository implements PanacheRepositoryBase<AcceptedRequest, String> {
}
