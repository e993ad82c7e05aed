package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code worker_instances}: one running worker process as its last heartbeat described it. */
@Entity
@Table(name = "worker_instances")
public class WorkerInstance {

    /** Made up by the process when it starts; a restart is a new instance. */
    @Id
    public UUID id;

    /** {@code quarkus.application.name}: email-worker, sms-worker, push-worker, inapp-gateway. */
    @Column(nullable = false)
    public String service;

    @Convert(converter = Converters.ChannelColumn.class)
    @Column(nullable = false)
    public Channel channel;

    @Column(nullable = false)
    public String host;

    /** The provider circuit breaker: {@code closed}, {@code open} or {@code half_open}. */
    @Column(name = "provider_circuit", nullable = false)
    public String providerCircuit;

    /** Whether it consumes its work queue (false while the broker is unreachable). */
    public boolean consuming;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    @Column(name = "seen_at", nullable = false)
    public OffsetDateTime seenAt;
}
