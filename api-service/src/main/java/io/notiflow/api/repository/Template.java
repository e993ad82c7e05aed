package io.notiflow.api.repository;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.Converters;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A row of {@code templates}: one version of a template for one channel and locale (null = the default variant).
 * Never updated: a change is a new version.
 */
@Entity
@Table(name = "templates")
public class Template {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String code;

    @Convert(converter = Converters.ChannelColumn.class)
    @Column(nullable = false)
    public Channel channel;

    public String locale;

    public int version;

    public String subject;

    /** The text: an e-mail's plain-text part, the SMS, the push or in-app message. */
    @Column(nullable = false)
    public String body;

    public String html;
    public String title;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> data;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
