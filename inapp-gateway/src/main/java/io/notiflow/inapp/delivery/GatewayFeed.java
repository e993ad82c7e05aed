package io.notiflow.inapp.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.notiflow.core.correlation.Correlation;
import io.notiflow.core.rabbit.BrokerConnection;
import io.notiflow.inapp.socket.SocketRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * This instance's leg of the fan-out: its own exclusive, auto-delete, server-named queue bound to
 * {@value #EXCHANGE}, consumed to push each notification to the sockets open here that its target names. A
 * message that finds none of its recipients here is dropped: a user's row stays in the inbox, and the backlog
 * delivers it when the user connects.
 * <p>
 * The queue dies with the connection; when the broker comes back, a new one is declared and bound (the
 * client's own recovery is not asked to restore a server-named queue).
 */
@ApplicationScoped
public class GatewayFeed {

    /** Durable fanout exchange every gateway instance binds its queue to. */
    public static final String EXCHANGE = "notifications.inapp.fanout";
    private static final Logger LOG = Logger.getLogger(GatewayFeed.class);
    private static final long RECONNECT_MS = 1000;

    private final BrokerConnection broker;
    private final SocketRegistry sockets;
    private final ObjectMapper json;

    private volatile boolean running;
    private volatile com.rabbitmq.client.Channel channel;
    private volatile String queue;

    public GatewayFeed(BrokerConnection broker, SocketRegistry sockets, ObjectMapper json) {
        this.broker = broker;
        this.sockets = sockets;
        this.json = json;
    }

    // Before the delivery worker starts consuming the work queue, so this instance listens from its first job.
    void onStart(@Observes @Priority(1) StartupEvent event) {
        running = true;
        try {
            listen();
        } catch (RuntimeException | IOException e) {
            LOG.warnf("fanout queue not declared yet (%s); retrying in the background", e.getMessage());
            reconnectLater();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        com.rabbitmq.client.Channel current = channel;
        if (current != null && current.isOpen()) {
            try {
                current.abort();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing the fanout channel failed", e);
            }
        }
    }

    public boolean isListening() {
        com.rabbitmq.client.Channel current = channel;
        return current != null && current.isOpen();
    }

    /** This instance's queue name (server-named), for operators and tests. */
    public String queue() {
        return queue;
    }

    private synchronized void listen() throws IOException {
        com.rabbitmq.client.Channel amqp = broker.openChannel();
        amqp.exchangeDeclare(EXCHANGE, "fanout", true);
        String name = amqp.queueDeclare("", false, true, true, null).getQueue();
        amqp.queueBind(name, EXCHANGE, "");
        amqp.basicConsume(name, true, new Feed(amqp));
        amqp.addShutdownListener(this::lost);
        queue = name;
        channel = amqp;
        LOG.infof("gateway listening on %s (bound to %s)", name, EXCHANGE);
    }

    private void lost(ShutdownSignalException cause) {
        if (!running || cause.isInitiatedByApplication()) {
            return;
        }
        LOG.warnf("fanout queue lost (%s); re-declaring once the broker is back", cause.getMessage());
        com.rabbitmq.client.Channel dead = channel;
        channel = null;
        try {
            // Leave this channel out of the client's recovery: its server-named queue is gone for good.
            dead.abort();
        } catch (IOException | RuntimeException e) {
            LOG.debug("aborting the lost fanout channel", e);
        }
        reconnectLater();
    }

    private void reconnectLater() {
        Thread thread = new Thread(() -> {
            while (running && !isListening()) {
                try {
                    Thread.sleep(RECONNECT_MS);
                    listen();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.debugf("fanout queue still not declared: %s", e.getMessage());
                }
            }
        }, "inapp-feed-reconnect");
        thread.setDaemon(true);
        thread.start();
    }

    private final class Feed extends DefaultConsumer {
        Feed(com.rabbitmq.client.Channel amqp) {
            super(amqp);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try (Correlation.Scope ignored = Correlation.inScope(properties.getCorrelationId())) {
                FanoutMessage message = json.readValue(body, FanoutMessage.class);
                if (message.target() == null || message.frame() == null) {
                    // From a gateway older than typed targets: its receiver string is not interpreted here.
                    LOG.debugf("fanout message %s without a target dropped", properties.getMessageId());
                    return;
                }
                int pushed = sockets.dispatch(message.target(), message.frame());
                LOG.debugf("notification %s for %s pushed to %d local socket(s)", message.frame().id(),
                        message.target(), pushed);
            } catch (IOException | RuntimeException e) {
                // Live push only; a user's row is still in the inbox.
                LOG.errorf(e, "fanout message not pushed");
            }
        }
    }
}
