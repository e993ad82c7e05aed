package io.notiflow.core.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with publisher confirms and the mandatory flag: {@link #publish} returns only once the broker has
 * taken responsibility for the message and routed it to a queue. Anything else (nack, unroutable, timeout,
 * connection lost) throws {@link BrokerUnavailableException}, and the caller keeps the job.
 * <p>
 * Channels are pooled; a pooled channel carries one publish (or one {@link #publishAll batch}) at a time, so a
 * basic.return (which the broker sends before the confirm) belongs unambiguously to what is in flight on it.
 */
@ApplicationScoped
public class ConfirmingPublisher {

    private static final Logger LOG = Logger.getLogger(ConfirmingPublisher.class);
    private static final int MIN_POOL_SIZE = 16;

    private final BrokerConnection broker;
    private final RabbitSettings settings;
    private final BlockingQueue<PooledChannel> idle;

    /**
     * Keeps as many idle channels as a worker has deliveries in flight ({@code worker.concurrency}, at least
     * {@value #MIN_POOL_SIZE}): each delivery may publish at once (a retry, a DLQ park, the in-app fan-out), and a
     * publish that finds no idle channel opens one and closes it afterwards, a broker round trip each way.
     */
    public ConfirmingPublisher(BrokerConnection broker, RabbitSettings settings,
                               @ConfigProperty(name = "worker.concurrency", defaultValue = "16") int concurrency) {
        this.broker = broker;
        this.settings = settings;
        this.idle = new ArrayBlockingQueue<>(Math.max(MIN_POOL_SIZE, concurrency));
    }

    public void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
        Outgoing message = new Outgoing(exchange, routingKey, properties, body);
        if (publishAll(List.of(message)).isEmpty()) {
            throw new BrokerUnavailableException("no queue is bound for exchange '" + exchange + "' routing key '"
                    + routingKey + "'; the broker returned the message");
        }
    }

    /** One message of a {@link #publishAll batch}. */
    public record Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    }

    /**
     * Publishes every message on one channel, then waits once for all their confirms: a confirm window the size of
     * the batch instead of one round trip per message. Returns the messages the broker confirmed and routed, in
     * order; a returned (unroutable) message is left out, told apart by its message id. Throws when the confirms do
     * not all arrive as acks in time: then none of the batch may be taken as published (some may have been, so
     * the caller's retry can repeat them).
     */
    public List<Outgoing> publishAll(List<Outgoing> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        PooledChannel pooled = idle.poll();
        if (pooled == null || !pooled.channel.isOpen()) {
            pooled = open();
        }
        boolean reusable = false;
        Outgoing current = messages.get(0);
        try {
            pooled.returned.clear();
            for (Outgoing message : messages) {
                current = message;
                pooled.channel.basicPublish(message.exchange(), message.routingKey(), true, message.properties(),
                        message.body());
            }
            pooled.channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
            reusable = true;
            if (pooled.returned.isEmpty()) {
                return messages;
            }
            List<Outgoing> routed = new ArrayList<>(messages.size());
            for (Outgoing message : messages) {
                if (!pooled.returned.contains(String.valueOf(message.properties().getMessageId()))) {
                    routed.add(message);
                }
            }
            return routed;
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("publish to '" + current.exchange() + "'/'" + current.routingKey()
                    + "' was not confirmed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for a publisher confirm", e);
        } finally {
            if (reusable && idle.offer(pooled)) {
                pooled = null;
            }
            if (pooled != null) {
                pooled.close();
            }
        }
    }

    /** Runs an action (a declaration, say) on a short-lived channel. */
    public void onChannel(ChannelAction action) {
        Channel channel = broker.openChannel();
        try {
            action.run(channel);
        } catch (IOException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("AMQP operation failed: " + e.getMessage(), e);
        } finally {
            closeQuietly(channel);
        }
    }

    @FunctionalInterface
    public interface ChannelAction {
        void run(Channel channel) throws IOException;
    }

    private PooledChannel open() {
        Channel channel = broker.openChannel();
        try {
            channel.confirmSelect();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BrokerUnavailableException("cannot enable publisher confirms: " + e.getMessage(), e);
        }
        PooledChannel pooled = new PooledChannel(channel);
        channel.addReturnListener(returned -> {
            pooled.returned.add(String.valueOf(returned.getProperties().getMessageId()));
            LOG.warnf("broker returned an unroutable message: exchange=%s routingKey=%s reply=%s",
                    returned.getExchange(), returned.getRoutingKey(), returned.getReplyText());
        });
        return pooled;
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.debug("closing an AMQP channel failed", e);
        }
    }

    private static final class PooledChannel {
        final Channel channel;
        /** Message ids the broker returned as unroutable during the publish in flight. */
        final Set<String> returned = ConcurrentHashMap.newKeySet();

        PooledChannel(Channel channel) {
            this.channel = channel;
        }

        void close() {
            closeQuietly(channel);
        }
    }
}
