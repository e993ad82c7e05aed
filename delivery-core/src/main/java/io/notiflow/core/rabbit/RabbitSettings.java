package io.notiflow.core.rabbit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * Broker address, read from RABBITMQ_ADDRESSES or RABBITMQ_HOST and RABBITMQ_PORT, and RABBITMQ_USERNAME,
 * RABBITMQ_PASSWORD, RABBITMQ_VIRTUAL_HOST.
 */
@ConfigMapping(prefix = "rabbitmq")
public interface RabbitSettings {
    /**
     * The nodes of a cluster, {@code host:port,host:port,...} (a port may be left out: 5672). When set it wins over
     * {@link #host()} and {@link #port()}: the client connects to one of them, picked at random, and reconnects to
     * another when that one goes away.
     */
    Optional<List<String>> addresses();

    @WithDefault("localhost")
    String host();

    @WithDefault("5672")
    int port();

    @WithDefault("guest")
    String username();

    @WithDefault("guest")
    String password();

    @WithDefault("/")
    String virtualHost();

    /** How long a publisher waits for the broker's confirm before treating the publish as failed. */
    @WithDefault("5s")
    java.time.Duration confirmTimeout();
}
