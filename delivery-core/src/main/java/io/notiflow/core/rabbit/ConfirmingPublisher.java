package io.notiflow.core.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes with publisher confirms and the mandatory flag: {@link #publish} returns only once the broker has
 * taken responsibility for the message and routed it to a queue. Anything else (nack, unroutable, timeout,
 * connection lost) throws {@link BrokerUnavailableException}, and the caller keeps the job.
 * <p>
 * Channels are pooled; a pooled channel carries one publish at a time, so a basic.return (which the broker
 * sends before the confirm) belongs unambiguously to the publish in flight on it.
 */
@ApplicationScoped
public class ConfirmingPublisher {

    private static final Logger LOG = Logger.getLogger(ConfirmingPublisher.class);
    private static final int POOL_SIZE = 16;

    private final BrokerConnection broker;
    private final RabbitSettings settings;
    private final BlockingQueue<PooledChannel> idle = new ArrayBlockingQueue<>(POOL_SIZE);

    public ConfirmingPublisher(BrokerConnection broker, RabbitSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    public void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
        PooledChannel pooled = idle.poll();
        if (pooled == null || !pooled.channel.isOpen()) {
            pooled = open();
        }
        boolean reusable = false;
        try {
            pooled.returned.set(false);
            pooled.channel.basicPublish(exchange, routingKey, true, properties, body);
            pooled.channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
            if (pooled.returned.get()) {
                throw new BrokerUnavailableException("no queue is bound for exchange '" + exchange
                        + "' routing key '" + routingKey + "'; the broker returned the message");
            }
            reusable = true;
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("publish to '" + exchange + "'/'" + routingKey
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
            pooled.returned.set(true);
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
        final AtomicBoolean returned = new AtomicBoolean();

        PooledChannel(Channel channel) {
            this.channel = channel;
        }

        void close() {
            closeQuietly(channel);
        }
    }
}
