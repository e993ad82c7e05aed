package io.notiflow.core.health;

import io.notiflow.core.rabbit.BrokerConnection;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the AMQP connection is open ({@link DatabaseHealthCheck} covers PostgreSQL). */
@Readiness
@ApplicationScoped
public class BrokerHealthCheck implements HealthCheck {

    private final BrokerConnection broker;

    public BrokerHealthCheck(BrokerConnection broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        boolean up;
        try {
            up = broker.isOpen() || broker.connection().isOpen();
        } catch (BrokerUnavailableException e) {
            up = false;
        }
        return HealthCheckResponse.named("rabbitmq").status(up).withData("broker", broker.describe()).build();
    }
}
