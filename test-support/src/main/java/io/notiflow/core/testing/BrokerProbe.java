package io.notiflow.core.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/** A plain AMQP client for tests: looks into queues on the real broker the way an operator would. */
public final class BrokerProbe implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    public BrokerProbe(String vhost) {
        this(LocalServices.RABBIT_HOST, LocalServices.RABBIT_PORT, vhost);
    }

    /** A probe on another broker than the local default one (a node of a test cluster). */
    public BrokerProbe(String host, int port, String vhost) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setVirtualHost(vhost);
        try {
            connection = factory.newConnection("test-probe");
            channel = connection.createChannel();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ vhost " + vhost, e);
        }
    }

    /** A message taken off a queue (and acked), with its headers as strings. */
    public record Taken(String body, Map<String, String> headers, AMQP.BasicProperties properties) {
    }

    public long messageCount(String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** Takes every message currently in {@code queue}. */
    public List<Taken> drain(String queue) throws IOException {
        List<Taken> taken = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(queue, true)) != null) {
            taken.add(toTaken(response));
        }
        return taken;
    }

    /**
     * Drains {@code queue} until a message whose header {@code header} is {@code value} shows up, and returns it;
     * other messages (other tests' leftovers) are dropped on the way.
     */
    public Taken awaitMessage(String queue, String header, String value, Duration atMost) {
        List<Taken> seen = new ArrayList<>();
        Optional<Taken> found = await().atMost(atMost).until(() -> {
            seen.addAll(drain(queue));
            return seen.stream().filter(t -> value.equals(t.headers().get(header))).findFirst();
        }, Optional::isPresent);
        return found.orElseThrow();
    }

    public void purge(String queue) throws IOException {
        channel.queuePurge(queue);
    }

    /** Publishes straight into a queue through the default exchange. */
    public void publish(String queue, String body, Map<String, Object> headers) throws IOException {
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().deliveryMode(2)
                .contentType("application/json").headers(headers).build(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Taken toTaken(GetResponse response) {
        Map<String, String> headers = new HashMap<>();
        Map<String, Object> raw = response.getProps().getHeaders();
        if (raw != null) {
            raw.forEach((k, v) -> headers.put(k, String.valueOf(v)));
        }
        return new Taken(new String(response.getBody(), StandardCharsets.UTF_8), headers, response.getProps());
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException e) {
            // test teardown
        }
    }
}
