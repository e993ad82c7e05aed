package io.notiflow.core.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.JobHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Reads and empties a channel's dead-letter queue at the AMQP level. Messages are fetched with {@code basic.get}
 * and manual acks on a dedicated channel; whatever is not replayed is handed back with {@code basic.nack}
 * (requeue), never {@code basic.reject}, which RabbitMQ counts against a quorum queue's delivery limit.
 */
@ApplicationScoped
public class DeadLetterQueue {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);

    private final BrokerConnection broker;
    private final JobPublisher jobs;
    private final JobCodec codec;

    public DeadLetterQueue(BrokerConnection broker, JobPublisher jobs, JobCodec codec) {
        this.broker = broker;
        this.jobs = jobs;
        this.codec = codec;
    }

    /** One parked job: its headers (why it was parked), its properties and its body. */
    public record DeadLetter(long deliveryTag, AMQP.BasicProperties properties, Map<String, Object> headers,
                             byte[] body, Optional<DeliveryJob> job) {

        /** From the job header, else the message id, else the body. */
        public Optional<UUID> notificationId() {
            for (String candidate : new String[]{header(JobHeaders.NOTIFICATION_ID), properties.getMessageId()}) {
                if (candidate != null) {
                    try {
                        return Optional.of(UUID.fromString(candidate));
                    } catch (IllegalArgumentException e) {
                        // not an id: try the next source
                    }
                }
            }
            return job.map(DeliveryJob::notificationId);
        }

        public String correlationId() {
            String header = header(JobHeaders.CORRELATION_ID);
            return header != null ? header : properties.getCorrelationId();
        }

        public String errorClass() {
            return header(JobHeaders.ERROR_CLASS);
        }

        public Integer attempts() {
            return headers.get(JobHeaders.ATTEMPTS) instanceof Number n ? n.intValue() : null;
        }

        /** A header as text (AMQP long strings arrive as {@code LongString}), or null. */
        public String header(String name) {
            Object value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** What a listing saw: the queue's depth (ready messages) and up to the asked number of them, oldest first. */
    public record Listing(String queue, long depth, List<DeadLetter> letters) {
    }

    /**
     * Looks at up to {@code limit} parked jobs without consuming them: all are handed back (nack, requeue)
     * before this returns. While a listing holds them (milliseconds) they are invisible to a concurrent replay.
     */
    public Listing peek(Channel channel, int limit) {
        String queue = Topology.deadLetterQueue(channel);
        com.rabbitmq.client.Channel amqp = broker.openChannel();
        try {
            long depth = declare(amqp, channel);
            List<DeadLetter> letters = new ArrayList<>();
            GetResponse response;
            while (letters.size() < limit && (response = amqp.basicGet(queue, false)) != null) {
                letters.add(letter(response));
            }
            if (!letters.isEmpty()) {
                amqp.basicNack(letters.get(letters.size() - 1).deliveryTag(), true, true);
            }
            return new Listing(queue, depth, letters);
        } catch (IOException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("cannot read " + queue + ": " + e.getMessage(), e);
        } finally {
            close(amqp);
        }
    }

    /** Starts one pass over a channel's dead-letter queue; close it to hand back what was not replayed. */
    public Pass pass(Channel channel) {
        com.rabbitmq.client.Channel amqp = broker.openChannel();
        try {
            declare(amqp, channel);
        } catch (IOException | ShutdownSignalException e) {
            close(amqp);
            throw new BrokerUnavailableException("cannot declare " + Topology.deadLetterQueue(channel) + ": "
                    + e.getMessage(), e);
        }
        return new Pass(channel, amqp);
    }

    /**
     * One pass over a dead-letter queue. Every message is fetched once; a message that does not match is held
     * (unacked) until {@link #close()} hands it back, so the pass never sees it twice and ends when the queue
     * has no more ready messages.
     */
    public final class Pass implements AutoCloseable {
        private final Channel channel;
        private final com.rabbitmq.client.Channel amqp;
        private final String queue;
        private long highestHeld = -1;
        private boolean exhausted;

        private Pass(Channel channel, com.rabbitmq.client.Channel amqp) {
            this.channel = channel;
            this.amqp = amqp;
            this.queue = Topology.deadLetterQueue(channel);
        }

        /** The next up to {@code max} matching letters; empty once the queue has been gone through. */
        public List<DeadLetter> next(Predicate<DeadLetter> matches, int max) {
            List<DeadLetter> matched = new ArrayList<>();
            try {
                while (!exhausted && matched.size() < max) {
                    GetResponse response = amqp.basicGet(queue, false);
                    if (response == null) {
                        exhausted = true;
                        break;
                    }
                    DeadLetter letter = letter(response);
                    if (matches.test(letter)) {
                        matched.add(letter);
                    } else {
                        highestHeld = letter.deliveryTag();
                    }
                }
            } catch (IOException | ShutdownSignalException e) {
                throw new BrokerUnavailableException("cannot read " + queue + ": " + e.getMessage(), e);
            }
            return matched;
        }

        /**
         * Puts a letter back on the work queue (reasons removed, attempt budget reset) and, once the broker has
         * confirmed that publish, acks it off the dead-letter queue. A failure before the ack leaves it parked.
         */
        public void replay(DeadLetter letter) {
            jobs.publishReplayed(channel, letter.body(), JobHeaders.forReplay(letter.headers()));
            try {
                amqp.basicAck(letter.deliveryTag(), false);
            } catch (IOException | ShutdownSignalException e) {
                // The job is on the work queue already; the parked copy comes back and is replayed or dropped as a duplicate.
                throw new BrokerUnavailableException("replayed " + letter.notificationId().orElse(null)
                        + " but could not ack it off " + queue + ": " + e.getMessage(), e);
            }
        }

        /** Hands back the letters that were held and never replayed. */
        @Override
        public void close() {
            try {
                if (highestHeld >= 0 && amqp.isOpen()) {
                    amqp.basicNack(highestHeld, true, true);
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.debugf("nack on %s failed; closing the channel returns the messages: %s", queue, e.getMessage());
            } finally {
                DeadLetterQueue.close(amqp);
            }
        }
    }

    private static long declare(com.rabbitmq.client.Channel amqp, Channel channel) throws IOException {
        Topology.declareDeadLetterQueue(amqp, channel);
        return amqp.queueDeclarePassive(Topology.deadLetterQueue(channel)).getMessageCount();
    }

    private DeadLetter letter(GetResponse response) {
        AMQP.BasicProperties properties = response.getProps();
        Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
        Optional<DeliveryJob> job;
        try {
            job = Optional.of(codec.decode(response.getBody()));
        } catch (IOException | RuntimeException e) {
            job = Optional.empty();
        }
        return new DeadLetter(response.getEnvelope().getDeliveryTag(), properties, headers, response.getBody(), job);
    }

    private static void close(com.rabbitmq.client.Channel amqp) {
        try {
            if (amqp.isOpen()) {
                amqp.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.debug("closing an AMQP channel failed", e);
        }
    }
}
