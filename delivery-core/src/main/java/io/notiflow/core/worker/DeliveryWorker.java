package io.notiflow.core.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerConnection;
import io.notiflow.core.rabbit.Topology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker loop every channel reuses. In a service that provides a {@link ChannelSender} bean it declares the
 * channel's work queue, retry ladder and DLQ, then consumes the work queue with manual acks: up to
 * {@code worker.concurrency} jobs in flight at once (the prefetch), each processed on its own thread.
 * While the broker is unreachable at start it keeps trying; after that the client's recovery restores the
 * consumer.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final long REDELIVERY_PAUSE_MS = 1000;

    private final Instance<ChannelSender> senders;
    private final BrokerConnection broker;
    private final DeliveryProcessor processor;
    private final WorkerSettings settings;
    private final Config config;

    private volatile boolean running;
    private volatile com.rabbitmq.client.Channel consumerChannel;
    private volatile String consumerTag;
    private ExecutorService deliveries;

    public DeliveryWorker(Instance<ChannelSender> senders, BrokerConnection broker, DeliveryProcessor processor,
                          WorkerSettings settings, Config config) {
        this.senders = senders;
        this.broker = broker;
        this.processor = processor;
        this.settings = settings;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (senders.isUnsatisfied()) {
            return; // not a worker (api-service)
        }
        ChannelSender sender = senders.get();
        RetryPolicy policy = RetryPolicy.forChannel(config, sender.channel());
        AtomicInteger threadIds = new AtomicInteger();
        deliveries = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, sender.channel().key() + "-delivery-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        running = true;
        startConsuming(sender, policy);
    }

    private void startConsuming(ChannelSender sender, RetryPolicy policy) {
        Thread starter = new Thread(() -> connectAndConsume(sender, policy),
                sender.channel().key() + "-consumer-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void connectAndConsume(ChannelSender sender, RetryPolicy policy) {
        Channel channel = sender.channel();
        while (running) {
            try {
                com.rabbitmq.client.Channel amqp = broker.openChannel();
                Topology.declareWorkQueues(amqp, List.of(channel));
                Topology.declareRetryLadder(amqp, channel, policy.delays());
                Topology.declareDeadLetterQueue(amqp, channel);
                amqp.basicQos(settings.concurrency());
                consumerTag = amqp.basicConsume(Topology.workQueue(channel), false, new JobConsumer(amqp, sender,
                        policy));
                consumerChannel = amqp;
                // A channel the broker closes by itself (consumer timeout, a failed ack) is not recovered by the
                // client, which only recovers lost connections: start consuming again on a new channel.
                amqp.addShutdownListener(cause -> {
                    if (running && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                        LOG.warnf("broker closed the consumer channel (%s); consuming again", cause.getMessage());
                        startConsuming(sender, policy);
                    }
                });
                LOG.infof("%s worker consuming %s (concurrency %d, retry delays %s) on %s", channel.key(),
                        Topology.workQueue(channel), settings.concurrency(), policy.delays(), broker.describe());
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("cannot start consuming %s yet (%s); retrying in 2 s", Topology.workQueue(channel),
                        reason(e));
                sleep(2000);
            }
        }
    }

    public boolean isConsuming() {
        com.rabbitmq.client.Channel current = consumerChannel;
        return current != null && current.isOpen();
    }

    private final class JobConsumer extends DefaultConsumer {
        private final ChannelSender sender;
        private final RetryPolicy policy;

        JobConsumer(com.rabbitmq.client.Channel amqp, ChannelSender sender, RetryPolicy policy) {
            super(amqp);
            this.sender = sender;
            this.policy = policy;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                   byte[] body) {
            try {
                deliveries.execute(() -> handle(envelope.getDeliveryTag(), properties, body));
            } catch (RejectedExecutionException e) {
                // Shutting down: a job that arrived after the cancel goes back to the queue untouched, rather than
                // letting the client close the channel (which would also requeue jobs being sent right now).
                try {
                    synchronized (getChannel()) {
                        getChannel().basicNack(envelope.getDeliveryTag(), false, true);
                    }
                } catch (IOException | RuntimeException nackFailed) {
                    LOG.debugf("could not return delivery %d at shutdown: %s", envelope.getDeliveryTag(),
                            nackFailed.getMessage());
                }
            }
        }

        private void handle(long tag, AMQP.BasicProperties properties, byte[] body) {
            boolean settled;
            try {
                processor.process(sender, policy, body, properties.getHeaders());
                settled = true;
            } catch (Throwable e) { // an Error too: the delivery must still be nacked, or it stays unacked for good
                LOG.errorf(e, "job could not be settled; it will be redelivered");
                settled = false;
                sleep(REDELIVERY_PAUSE_MS);
            }
            com.rabbitmq.client.Channel amqp = getChannel();
            try {
                synchronized (amqp) {
                    if (settled) {
                        amqp.basicAck(tag, false);
                    } else {
                        amqp.basicNack(tag, false, true);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The channel is gone; the broker redelivers the job to the recovered consumer.
                LOG.warnf("could not %s delivery %d: %s", settled ? "ack" : "nack", tag, e.getMessage());
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        com.rabbitmq.client.Channel amqp = consumerChannel;
        if (amqp != null && amqp.isOpen()) {
            try {
                // Stop taking new jobs; unacked ones go back to the queue when the channel closes.
                amqp.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cancel failed", e);
            }
        }
        if (deliveries != null) {
            deliveries.shutdown();
            try {
                if (!deliveries.awaitTermination(20, TimeUnit.SECONDS)) {
                    LOG.warn("deliveries still in flight at shutdown; their jobs will be redelivered");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What went wrong, for the log. A channel error (a queue declared elsewhere with other arguments, say) comes as
     * an IOException without a message; the broker's reason is in its cause.
     */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
