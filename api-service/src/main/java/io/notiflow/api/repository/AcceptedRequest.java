package io.notiflow.api.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;

/** A row of {@code accepted_requests}: the answer given to a request with an idempotency key. */
@Entity
@Table(name = "accepted_requests")
public class AcceptedRequest {

    @Id
    @Column(name = "request_id")
    public String requestId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> response;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
