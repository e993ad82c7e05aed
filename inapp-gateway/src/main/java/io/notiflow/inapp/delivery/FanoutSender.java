package io.notiflow.inapp.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.InappTarget;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.ConfirmingPublisher;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.PermanentDeliveryException;
import io.notiflow.core.worker.TransientDeliveryException;
import io.notiflow.inapp.socket.NotificationFrame;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * The in-app channel's "send one": hand the job to every gateway instance through the fanout exchange, with a
 * publisher confirm. The mandatory flag makes a publish with no instance listening fail (transient, so it goes up
 * the retry ladder). A confirmed publish is the channel's "sent": every instance has it, and pushes it to the
 * sockets it holds (a user who is offline gets it as backlog on connect). A client's ack may reach the row before
 * the engine writes that verdict ({@link #settlesStatusItself()}), so a row further along is never set back.
 */
@ApplicationScoped
public class FanoutSender implements ChannelSender {

    private final ConfirmingPublisher publisher;
    private final GatewayFeed feed;
    private final NotificationRepository notifications;
    private final ObjectMapper json;

    public FanoutSender(ConfirmingPublisher publisher, GatewayFeed feed, NotificationRepository notifications,
                        ObjectMapper json) {
        this.publisher = publisher;
        this.feed = feed;
        this.notifications = notifications;
        this.json = json;
    }

    @Override
    public Channel channel() {
        return Channel.INAPP;
    }

    @Override
    public boolean settlesStatusItself() {
        return true;
    }

    @Override
    public String send(DeliveryJob job) {
        if (!feed.isListening()) {
            // Our own instance would miss it; wait on the ladder until the feed is back.
            throw new TransientDeliveryException("gateway-feed-down", "this gateway's fanout queue is not consumed yet",
                    null);
        }
        FanoutMessage message = message(job);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(1) // the instances' queues are transient; the row is the durable copy
                .correlationId(job.correlationId())
                .messageId(job.notificationId().toString())
                .headers(Map.of(JobHeaders.CORRELATION_ID, String.valueOf(job.correlationId())))
                .build();
        publisher.publish(GatewayFeed.EXCHANGE, "", properties, encode(message));
        return null;
    }

    /**
     * The target and accept time come with the job; a job published before it carried them (waiting on the ladder
     * or replayed from the DLQ) takes them from its row, which migration V10 typed.
     */
    private FanoutMessage message(DeliveryJob job) {
        if (job.targetKind() != null && job.acceptedAt() != null) {
            return new FanoutMessage(InappTarget.of(job.targetKind(), job.receiver()),
                    NotificationFrame.of(job, job.acceptedAt()));
        }
        Notification row = QuarkusTransaction.requiringNew()
                .call(() -> notifications.findByIdOptional(job.notificationId()))
                .orElseThrow(() -> new PermanentDeliveryException("unknown-notification",
                        "no notifications row with id " + job.notificationId()));
        return new FanoutMessage(InappTarget.of(row.targetKind, row.receiver),
                NotificationFrame.of(job, row.createdAt.toInstant()));
    }

    private byte[] encode(FanoutMessage message) {
        try {
            return json.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode fanout message", e);
        }
    }
}
