package io.notiflow.api.repository;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A row of {@code users}: one of the customer's users, with the addresses and opt-outs notify resolves. */
@Entity
@Table(name = "users")
public class User {

    @Id
    public String id;

    public String email;

    /** E.164. */
    public String phone;

    public String locale;

    /** {"sms": false, "categories": {"marketing": {"email": false}}}; see {@code PreferenceRules}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> preferences = new LinkedHashMap<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @BatchSize(size = 100)
    @OrderBy
    @CollectionTable(name = "device_tokens", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "token")
    public Set<String> pushTokens = new LinkedHashSet<>();

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
