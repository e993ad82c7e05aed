package io.notiflow.api.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.WorkerInstance;
import io.notiflow.core.store.WorkerInstanceRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

    private final NotificationRepository notifications;
    private final MeterRegistry metrics;
    private final WorkerInstanceRepository instances;

    public StatsService(NotificationRepository notifications, MeterRegistry metrics,
                        WorkerInstanceRepository instances) {
        this.notifications = notifications;
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
        return notifications.countsByTypeAndStatus().stream()
                .map(c -> new Count(c.type(), c.status(), c.count()))
                .toList();
    }

    /** Sends by sent_at; failures (rows now failed) by updated_at, the time they were parked. */
    private List<Minute> perMinute(OffsetDateTime currentMinute) {
        OffsetDateTime from = currentMinute.minusMinutes(MINUTES - 1);
        Map<OffsetDateTime, Long> sent = notifications.sentPerMinute(from);
        Map<OffsetDateTime, Long> failed = notifications.failedPerMinute(from);
        List<Minute> minutes = new ArrayList<>(MINUTES);
        for (int i = 0; i < MINUTES; i++) {
            OffsetDateTime minute = from.plusMinutes(i);
            minutes.add(new Minute(minute, sent.getOrDefault(minute, 0L), failed.getOrDefault(minute, 0L)));
        }
        return minutes;
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
