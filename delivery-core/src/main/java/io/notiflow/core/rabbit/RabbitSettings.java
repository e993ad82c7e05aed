package io.notiflow.core.rabbit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Broker address, read from RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_USERNAME, RABBITMQ_PASSWORD, RABBITMQ_VIRTUAL_HOST. */
@ConfigMapping(prefix = "rabbitmq")
public interface RabbitSettings {
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
