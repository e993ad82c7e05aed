package io.notiflow.core.rabbit;

import com.rabbitmq.client.AMQP;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.telemetry.MessageTracing;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where jobs go: fresh ones to the work exchange, failed ones to a ladder step or the dead-letter queue.
 * Every publish is persistent, mandatory and confirmed ({@link ConfirmingPublisher}).
 */
@ApplicationScoped
public class JobPublisher {

    private final ConfirmingPublisher publisher;
    private final JobCodec codec;
    private final MessageTracing tracing;

    public JobPublisher(ConfirmingPublisher publisher, JobCodec codec, MessageTracing tracing) {
        this.publisher = publisher;
        this.codec = codec;
        this.tracing = tracing;
    }

    /** A fresh job onto its channel's work queue, in the current trace. */
    public void publishNew(DeliveryJob job) {
        publishNew(job, null);
    }

    /**
     * A fresh job onto its channel's work queue, continuing the trace it was accepted in ({@code traceParent}, the
     * W3C traceparent stored with the row; the current trace when null). The trace context goes into the headers.
     */
    public void publishNew(DeliveryJob job, String traceParent) {
        if (publishNew(List.of(new Fresh(job, traceParent))).isEmpty()) {
            throw new BrokerUnavailableException("no queue is bound for the " + job.channel().key()
                    + " job; the broker returned it");
        }
    }

    /** A fresh job and the W3C traceparent it was accepted in (null: none). */
    public record Fresh(DeliveryJob job, String traceParent) {
    }

    /**
     * Fresh jobs onto their work queues as one confirmed batch ({@link ConfirmingPublisher#publishAll}), each in
     * its own PRODUCER span. Returns the ids of the notifications whose jobs the broker confirmed and routed;
     * throws when the batch's confirms did not all arrive.
     */
    public List<UUID> publishNew(List<Fresh> fresh) {
        List<ConfirmingPublisher.Outgoing> messages = new ArrayList<>(fresh.size());
        List<Span> spans = new ArrayList<>(fresh.size());
        for (Fresh f : fresh) {
            DeliveryJob job = f.job();
            Map<String, Object> headers = freshHeaders(job);
            spans.add(tracing.startPublishing(job.channel(), job.notificationId(), f.traceParent(), headers));
            messages.add(new ConfirmingPublisher.Outgoing(Topology.WORK_EXCHANGE, job.channel().key(),
                    properties(job.correlationId(), job.notificationId().toString(), headers), codec.encode(job)));
        }
        try {
            List<UUID> routed = new ArrayList<>(messages.size());
            for (ConfirmingPublisher.Outgoing message : publisher.publishAll(messages)) {
                routed.add(UUID.fromString(message.properties().getMessageId()));
            }
            return routed;
        } catch (RuntimeException e) {
            spans.forEach(span -> MessageTracing.failed(span, e));
            throw e;
        } finally {
            spans.forEach(Span::end);
        }
    }

    private static Map<String, Object> freshHeaders(DeliveryJob job) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(JobHeaders.CORRELATION_ID, job.correlationId());
        headers.put(JobHeaders.NOTIFICATION_ID, job.notificationId().toString());
        headers.put(JobHeaders.ATTEMPTS, 0);
        return headers;
    }

    /** A job that failed {@code attempts} times onto ladder step {@code step}; it returns to the work queue after the step's TTL. */
    public void publishRetry(Channel channel, int step, byte[] body, Map<String, Object> headers, int attempts) {
        Map<String, Object> next = copy(headers);
        next.put(JobHeaders.ATTEMPTS, attempts);
        publisher.publish("", Topology.retryQueue(channel, step), properties(next), body);
    }

    /** A job parked in its channel's dead-letter queue, with headers saying why. */
    public void publishDeadLetter(Channel channel, byte[] body, Map<String, Object> headers) {
        publisher.publish("", Topology.deadLetterQueue(channel), properties(copy(headers)), body);
    }

    /**
     * A job taken off its channel's dead-letter queue back onto the work queue, through the work exchange, with
     * {@code headers} as given (see {@link JobHeaders#forReplay}).
     */
    public void publishReplayed(Channel channel, byte[] body, Map<String, Object> headers) {
        publisher.publish(Topology.WORK_EXCHANGE, channel.key(), properties(copy(headers)), body);
    }

    private static Map<String, Object> copy(Map<String, Object> headers) {
        return headers == null ? new HashMap<>() : new HashMap<>(headers);
    }

    private static AMQP.BasicProperties properties(Map<String, Object> headers) {
        Object correlation = headers.get(JobHeaders.CORRELATION_ID);
        Object id = headers.get(JobHeaders.NOTIFICATION_ID);
        return properties(correlation == null ? null : correlation.toString(), id == null ? null : id.toString(),
                headers);
    }

    private static AMQP.BasicProperties properties(String correlationId, String messageId,
                                                   Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .correlationId(correlationId)
                .messageId(messageId)
                .headers(headers)
                .build();
    }
}
