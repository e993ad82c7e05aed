package io.notiflow.core.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * The service's one AMQP connection. It is opened on first use, so a service starts while the broker is down;
 * the client's automatic recovery then restores channels, queues and consumers after a broker restart.
 */
@ApplicationScoped
public class BrokerConnection {

    private static final Logger LOG = Logger.getLogger(BrokerConnection.class);

    private final RabbitSettings settings;
    private final ConnectionFactory factory;
    private volatile Connection connection;

    public BrokerConnection(RabbitSettings settings) {
        this.settings = settings;
        this.factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.virtualHost());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        // Recover consumers only: queues and exchanges are durable, and each service redeclares what it uses.
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterExchange(RecordedExchange exchange) {
                return false;
            }

            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }

            @Override
            public boolean filterBinding(RecordedBinding binding) {
                return false;
            }
        });
        factory.setNetworkRecoveryInterval(1000);
        factory.setConnectionTimeout(3000);
        factory.setRequestedHeartbeat(15);
    }

    /** The open connection, connecting now if there is none. */
    public Connection connection() {
        Connection current = connection;
        if (current != null && current.isOpen()) {
            return current;
        }
        synchronized (this) {
            if (connection != null && connection.isOpen()) {
                return connection;
            }
            if (connection != null) {
                // A recovering connection comes back by itself; a new one would duplicate its consumers.
                return connection;
            }
            try {
                connection = factory.newConnection("notiflow");
                LOG.infof("connected to RabbitMQ at %s:%d vhost %s", settings.host(), settings.port(),
                        settings.virtualHost());
                return connection;
            } catch (IOException | TimeoutException e) {
                throw new BrokerUnavailableException("RabbitMQ at " + settings.host() + ":" + settings.port()
                        + " is unreachable: " + e.getMessage(), e);
            }
        }
    }

    public Channel openChannel() {
        try {
            Channel channel = connection().createChannel();
            if (channel == null) {
                throw new BrokerUnavailableException("RabbitMQ refused a new channel");
            }
            return channel;
        } catch (IOException | com.rabbitmq.client.ShutdownSignalException e) {
            throw new BrokerUnavailableException("cannot open an AMQP channel: " + e.getMessage(), e);
        }
    }

    public boolean isOpen() {
        Connection current = connection;
        return current != null && current.isOpen();
    }

    public String describe() {
        return settings.host() + ":" + settings.port() + " vhost " + settings.virtualHost();
    }

    /** Runs after the worker and the relay have stopped (they observe shutdown at the default priority). */
    void close(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        Connection current = connection;
        if (current != null && current.isOpen()) {
            try {
                current.close(5000);
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing the AMQP connection failed", e);
            }
        }
    }
}
