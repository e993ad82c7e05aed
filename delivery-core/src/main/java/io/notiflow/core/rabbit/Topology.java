package io.notiflow.core.rabbit;

import io.notiflow.core.job.Channel;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The RabbitMQ names and declarations of DESIGN.md. Every service declares what it uses; declarations are
 * idempotent, and a queue that exists with other arguments fails loudly (PRECONDITION_FAILED) instead of
 * being silently reused.
 */
public final class Topology {

    /** Durable direct exchange; routing key = channel key. */
    public static final String WORK_EXCHANGE = "notifications";

    private static final Logger LOG = Logger.getLogger(Topology.class);

    private Topology() {
    }

    public static String workQueue(Channel channel) {
        return WORK_EXCHANGE + "." + channel.key();
    }

    /** The queue of ladder step {@code step} (1-based). */
    public static String retryQueue(Channel channel, int step) {
        return workQueue(channel) + ".retry." + step;
    }

    public static String deadLetterQueue(Channel channel) {
        return workQueue(channel) + ".dlq";
    }

    /** The exchange and one durable quorum work queue bound to it per channel. */
    public static void declareWorkQueues(com.rabbitmq.client.Channel amqp, List<Channel> channels) throws IOException {
        amqp.exchangeDeclare(WORK_EXCHANGE, "direct", true);
        for (Channel channel : channels) {
            amqp.queueDeclare(workQueue(channel), true, false, false, Map.of("x-queue-type", "quorum"));
            amqp.queueBind(workQueue(channel), WORK_EXCHANGE, channel.key());
        }
    }

    /**
     * One queue per backoff step: messages wait out the step's TTL, then dead-letter back to the work queue.
     * One TTL per queue, so the head of a queue never blocks a shorter delay behind it. Quorum queues with
     * at-least-once dead-lettering, so an expiring job cannot be dropped.
     */
    public static void declareRetryLadder(com.rabbitmq.client.Channel amqp, Channel channel, List<Duration> delays)
            throws IOException {
        for (int step = 1; step <= delays.size(); step++) {
            amqp.queueDeclare(retryQueue(channel, step), true, false, false, Map.of(
                    "x-queue-type", "quorum",
                    "x-message-ttl", delays.get(step - 1).toMillis(),
                    "x-dead-letter-exchange", WORK_EXCHANGE,
                    "x-dead-letter-routing-key", channel.key(),
                    "x-dead-letter-strategy", "at-least-once",
                    "x-overflow", "reject-publish"));
        }
        LOG.infof("retry ladder for %s: %s", channel.key(), delays);
    }

    public static void declareDeadLetterQueue(com.rabbitmq.client.Channel amqp, Channel channel) throws IOException {
        amqp.queueDeclare(deadLetterQueue(channel), true, false, false, Map.of("x-queue-type", "quorum"));
    }
}
