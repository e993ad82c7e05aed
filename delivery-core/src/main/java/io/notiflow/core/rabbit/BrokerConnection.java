package io.notiflow.core.rabbit;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
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
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The service's one AMQP connection. It is opened on first use, so a service starts while the broker is down;
 * the client's automatic recovery then restores channels, queues and consumers after a broker restart.
 * <p>
 * With {@code RABBITMQ_ADDRESSES} (the nodes of a cluster) the client tries them in a random order, so the
 * instances of a service spread over the nodes, and recovery does the same: a service whose node dies reconnects
 * to a surviving one. The log and {@link #describe()} name the node it is connected to.
 */
@ApplicationScoped
public class BrokerConnection {

    private static final Logger LOG = Logger.getLogger(BrokerConnection.class);

    private final RabbitSettings settings;
    private final List<Address> addresses;
    private final ConnectionFactory factory;
    private volatile Connection connection;

    public BrokerConnection(RabbitSettings settings) {
        this.settings = settings;
        this.addresses = addresses(settings);
        this.factory = new ConnectionFactory();
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
                Connection opened = factory.newConnection(addresses, "notiflow");
                if (opened instanceof Recoverable recoverable) {
                    recoverable.addRecoveryListener(new RecoveryListener() {
                        @Override
                        public void handleRecoveryStarted(Recoverable lost) {
                            LOG.warnf("lost the connection to RabbitMQ; reconnecting to one of %s", listed());
                        }

                        @Override
                        public void handleRecovery(Recoverable recovered) {
                            LOG.infof("reconnected to RabbitMQ at %s", connectedNode(opened));
                        }
                    });
                }
                connection = opened;
                LOG.infof("connected to RabbitMQ at %s vhost %s%s", connectedNode(opened), settings.virtualHost(),
                        addresses.size() > 1 ? " (one of " + listed() + ")" : "");
                return connection;
            } catch (IOException | TimeoutException e) {
                throw new BrokerUnavailableException("RabbitMQ at " + listed() + " is unreachable: " + e.getMessage(),
                        e);
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

    /** The node connected to (or, with none, the addresses configured) and the vhost. */
    public String describe() {
        Connection current = connection;
        String node = current != null && current.isOpen() ? connectedNode(current)
                : addresses.size() == 1 ? listed() : "one of " + listed();
        return node + " vhost " + settings.virtualHost();
    }

    /** The nodes to connect to: RABBITMQ_ADDRESSES when set, else RABBITMQ_HOST:RABBITMQ_PORT. */
    static List<Address> addresses(RabbitSettings settings) {
        List<String> listed = settings.addresses().orElse(List.of()).stream().map(String::trim)
                .filter(a -> !a.isEmpty()).toList();
        if (listed.isEmpty()) {
            return List.of(new Address(settings.host(), settings.port()));
        }
        return listed.stream().map(a -> {
            Address parsed = Address.parseAddress(a);
            return parsed.getPort() == -1 ? new Address(parsed.getHost(), ConnectionFactory.DEFAULT_AMQP_PORT) : parsed;
        }).toList();
    }

    private String listed() {
        return addresses.stream().map(a -> a.getHost() + ":" + a.getPort()).collect(Collectors.joining(","));
    }

    private static String connectedNode(Connection connection) {
        return connection.getAddress().getHostAddress() + ":" + connection.getPort();
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
