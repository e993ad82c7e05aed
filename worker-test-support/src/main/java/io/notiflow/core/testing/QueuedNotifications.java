package io.notiflow.core.testing;

import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.DeliveryAttemptRepository;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.NotificationStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.inject.spi.CDI;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * Queues notifications of one channel the way api-service does (row committed, then the job published, then
 * published_at stamped) and reads them back with their attempts. A channel's test support extends it with what a
 * row of that channel carries. Not a CDI bean (no CDI bean, though the module has an index): it looks up the repositories and
 * the publisher through {@link CDI#current()}, so it works inside a running {@code @QuarkusTest} only.
 */
public class QueuedNotifications {

    private final Channel channel;

    protected QueuedNotifications(Channel channel) {
        this.channel = channel;
    }

    /**
     * Inserts a queued row of this channel for {@code receiver}, filled in by {@code content} (subject, message,
     * data…), publishes its job and stamps it published.
     */
    protected Notification enqueue(String receiver, Consumer<Notification> content) {
        Notification row = store(receiver, content);
        publish(row);
        QuarkusTransaction.requiringNew().run(() -> notifications().markPublished(List.of(row.id), row.createdAt));
        return row;
    }

    /** Inserts a queued row of this channel and publishes nothing: no worker will see it. */
    protected Notification store(String receiver, Consumer<Notification> content) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = channel;
        row.receiver = receiver;
        content.accept(row);
        row.status = NotificationStatus.QUEUED;
        row.correlationId = "test-" + row.id;
        row.createdAt = now;
        row.updatedAt = now;
        QuarkusTransaction.requiringNew().run(() -> notifications().persist(row));
        return row;
    }

    /** Publishes the row's job (again), as the outbox relay does, in the trace the row was accepted in. */
    public void publish(Notification row) {
        bean(JobPublisher.class).publishNew(row.toJob(), row.traceParent);
    }

    public Notification row(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> notifications().findById(id));
    }

    public List<DeliveryAttempt> attempts(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> bean(DeliveryAttemptRepository.class).forNotification(id));
    }

    /** Whether a delivery holds the claim on the row of {@code id} (a row of {@code delivery_claims}). */
    public boolean claimed(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> notifications().getEntityManager()
                .createNativeQuery("select 1 from delivery_claims where notification_id = :id")
                .setParameter("id", id).getResultList().size() == 1);
    }

    /** Waits until the row of {@code id} has {@code status}, and returns it as read then. */
    public Notification awaitStatus(UUID id, NotificationStatus status, Duration atMost) {
        return await().atMost(atMost).until(() -> row(id), row -> row.status == status);
    }

    private static NotificationRepository notifications() {
        return bean(NotificationRepository.class);
    }

    private static <T> T bean(Class<T> type) {
        return CDI.current().select(type).get();
    }
}
