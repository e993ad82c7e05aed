package io.notiflow.core.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerConnection;
import io.notiflow.core.rabbit.Topology;
import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.RetryPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code notiflow.queue.depth{queue}}: messages ready in each queue this service cares about (a worker: its work
 * queue, retry steps and DLQ; api-service: every channel's work queue and DLQ). A scrape never waits on the broker:
 * it reads the last counts and, when they are older than {@link #REFRESH_NANOS}, asks for a refresh in the
 * background (passive declares on one short-lived channel). While the broker is unreachable the gauges read NaN.
 */
@ApplicationScoped
public class QueueDepthGauges {

    private static final Logger LOG = Logger.getLogger(QueueDepthGauges.class);
    private static final long REFRESH_NANOS = 5_000_000_000L;

    private final BrokerConnection broker;
    private final MeterRegistry metrics;
    private final Instance<ChannelSender> senders;
    private final Config config;
    private final Map<String, Long> depths = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "queue-depth-refresh");
        t.setDaemon(true);
        return t;
    });
    private volatile List<String> queues = List.of();
    private volatile long refreshedAt = System.nanoTime() - REFRESH_NANOS;

    public QueueDepthGauges(BrokerConnection broker, MeterRegistry metrics, Instance<ChannelSender> senders,
                            Config config) {
        this.broker = broker;
        this.metrics = metrics;
        this.senders = senders;
        this.config = config;
    }

    void register(@Observes StartupEvent event) {
        List<String> names = new ArrayList<>();
        if (senders.isResolvable()) {
            Channel channel = senders.get().channel();
            names.add(Topology.workQueue(channel));
            int steps = RetryPolicy.forChannel(config, channel).delays().size();
            for (int step = 1; step <= steps; step++) {
                names.add(Topology.retryQueue(channel, step));
            }
            names.add(Topology.deadLetterQueue(channel));
        } else {
            for (Channel channel : Channel.values()) {
                names.add(Topology.workQueue(channel));
                names.add(Topology.deadLetterQueue(channel));
            }
        }
        queues = List.copyOf(names);
        for (String queue : queues) {
            Gauge.builder("notiflow.queue.depth", this, gauges -> gauges.depth(queue))
                    .description("Messages ready in the queue (refreshed at most every 5 s; NaN while the broker is"
                            + " unreachable)")
                    .tag("queue", queue)
                    .register(metrics);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        refresher.shutdownNow();
    }

    double depth(String queue) {
        if (System.nanoTime() - refreshedAt >= REFRESH_NANOS && refreshing.compareAndSet(false, true)) {
            try {
                refresher.execute(this::refresh);
            } catch (RuntimeException e) { // shutting down
                refreshing.set(false);
            }
        }
        Long depth = depths.get(queue);
        return depth == null ? Double.NaN : depth;
    }

    private void refresh() {
        try {
            // Never connects by itself: the relay or the consumer owns the connection and its recovery.
            if (!broker.isOpen()) {
                depths.clear();
                return;
            }
            com.rabbitmq.client.Channel amqp = null;
            try {
                for (String queue : queues) {
                    if (amqp == null || !amqp.isOpen()) {
                        amqp = broker.openChannel();
                    }
                    try {
                        depths.put(queue, (long) amqp.queueDeclarePassive(queue).getMessageCount());
                    } catch (IOException e) {
                        // Not declared (yet): the broker closed the channel; the next queue gets a new one.
                        depths.remove(queue);
                    }
                }
            } finally {
                close(amqp);
            }
        } catch (RuntimeException e) {
            LOG.debugf("queue depths unavailable: %s", e.getMessage());
            depths.clear();
        } finally {
            refreshedAt = System.nanoTime();
            refreshing.set(false);
        }
    }

    private static void close(com.rabbitmq.client.Channel amqp) {
        if (amqp != null && amqp.isOpen()) {
            try {
                amqp.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                LOG.debug("closing the queue-depth channel failed", e);
            }
        }
    }
}
