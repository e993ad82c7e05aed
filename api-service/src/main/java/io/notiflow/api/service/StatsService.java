package io.notiflow.api.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.store.WorkerInstanceRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The operator's overview: what the notifications table holds by type and status, sends and failures per minute
 * over the last hour, the queue depths api-service already keeps as {@code notiflow.queue.depth} gauges (read
 * through the meter registry, so a call never waits on the broker), and the worker processes of each channel with
 * their provider circuit, from the rows their heartbeats keep in {@code worker_instances}.
 */
@ApplicationScoped
public class StatsService {

    static final int MINUTES = 60;

    private final EntityManager db;
    private final MeterRegistry metrics;
    private final WorkerInstanceRepository instances;

    public StatsService(EntityManager db, MeterRegistry metrics, WorkerInstanceRepository instances) {
        this.db = db;
        this.metrics = metrics;
        this.instances = instances;
    }

    public record Count(String type, String status, long count) {
    }

    public record Minute(OffsetDateTime minute, long sent, long failed) {
    }

    /** Ready messages; null while the broker is unreachable or the queue is not declared yet. */
    public record QueueDepth(String channel, Long queued, Long deadLettered) {
    }

    /**
     * One worker process as its last heartbeat described it; {@code live} is false once that heartbeat is older
     * than {@link WorkerInstanceRepository#LIVE} (the process died or lost the database).
     */
    public record Worker(UUID instance, String service, String host, String providerCircuit, boolean consuming,
                         OffsetDateTime startedAt, OffsetDateTime seenAt, boolean live) {
    }

    /** The worker processes of one channel; {@code live} counts those with a recent heartbeat. */
    public record ChannelWorkers(String channel, long live, List<Worker> instances) {
    }

    public record Stats(OffsetDateTime at, List<Count> counts, List<Minute> perMinute, List<QueueDepth> queues,
                        List<ChannelWorkers> workers) {
    }

    @Transactional
    public Stats current() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return new Stats(now, counts(), perMinute(now.truncatedTo(ChronoUnit.MINUTES)), queues(), workers(now));
    }

    private List<Count> counts() {
        List<Count> counts = new ArrayList<>();
        for (Object row : db.createNativeQuery("SELECT type, status, COUNT(*) FROM notifications"
                + " GROUP BY type, status ORDER BY type, status").getResultList()) {
            Object[] cols = (Object[]) row;
            counts.add(new Count((String) cols[0], (String) cols[1], ((Number) cols[2]).longValue()));
        }
        return counts;
    }

    /** Sends by sent_at; failures (rows now failed) by updated_at, the time they were parked. */
    private List<Minute> perMinute(OffsetDateTime currentMinute) {
        OffsetDateTime from = currentMinute.minusMinutes(MINUTES - 1);
        Map<OffsetDateTime, long[]> buckets = new LinkedHashMap<>();
        for (int i = 0; i < MINUTES; i++) {
            buckets.put(from.plusMinutes(i), new long[2]);
        }
        tally(buckets, "SELECT date_trunc('minute', sent_at), COUNT(*) FROM notifications"
                + " WHERE sent_at >= :from GROUP BY 1", from, 0);
        tally(buckets, "SELECT date_trunc('minute', updated_at), COUNT(*) FROM notifications"
                + " WHERE status = 'failed' AND updated_at >= :from GROUP BY 1", from, 1);
        return buckets.entrySet().stream()
                .map(e -> new Minute(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
    }

    private void tally(Map<OffsetDateTime, long[]> buckets, String sql, OffsetDateTime from, int slot) {
        for (Object row : db.createNativeQuery(sql).setParameter("from", from).getResultList()) {
            Object[] cols = (Object[]) row;
            long[] bucket = buckets.get(minute(cols[0]));
            if (bucket != null) {
                bucket[slot] += ((Number) cols[1]).longValue();
            }
        }
    }

    private static OffsetDateTime minute(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.time.Instant t) {
            return t.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }

    private List<QueueDepth> queues() {
        List<QueueDepth> depths = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            depths.add(new QueueDepth(channel.key(), depth(Topology.workQueue(channel)),
                    depth(Topology.deadLetterQueue(channel))));
        }
        return depths;
    }

    private List<ChannelWorkers> workers(OffsetDateTime now) {
        OffsetDateTime liveSince = now.minus(WorkerInstanceRepository.LIVE);
        List<WorkerInstance> rows = instances.all();
        List<ChannelWorkers> workers = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            List<Worker> ofChannel = rows.stream().filter(r -> r.channel == channel)
                    .map(r -> new Worker(r.id, r.service, r.host, r.providerCircuit, r.consuming, r.startedAt,
                            r.seenAt, r.seenAt.isAfter(liveSince)))
                    .toList();
            workers.add(new ChannelWorkers(channel.key(), ofChannel.stream().filter(Worker::live).count(),
                    ofChannel));
        }
        return workers;
    }

    private Long depth(String queue) {
        Gauge gauge = metrics.find("notiflow.queue.depth").tag("queue", queue).gauge();
        if (gauge == null) {
            return null;
        }
        double value = gauge.value();
        return Double.isNaN(value) ? null : (long) value;
    }
}
