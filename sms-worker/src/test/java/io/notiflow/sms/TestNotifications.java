package io.notiflow.sms;

import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.status.DeliveryAttempt;
import io.notiflow.core.status.DeliveryAttemptRepository;
import io.notiflow.core.status.Notification;
import io.notiflow.core.status.NotificationRepository;
import io.notiflow.core.status.NotificationStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Queues SMS notifications the way api-service does (row committed, then the job published) and reads them back. */
@ApplicationScoped
public class TestNotifications {

    private final NotificationRepository notifications;
    private final DeliveryAttemptRepository attempts;
    private final JobPublisher jobs;

    public TestNotifications(NotificationRepository notifications, DeliveryAttemptRepository attempts,
                             JobPublisher jobs) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.jobs = jobs;
    }

    public Notification queue(String to, String text) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = Channel.SMS;
        row.receiver = to;
        row.message = text;
        row.status = NotificationStatus.QUEUED;
        row.correlationId = "test-" + row.id;
        row.createdAt = now;
        row.updatedAt = now;
        QuarkusTransaction.requiringNew().run(() -> notifications.persist(row));
        jobs.publishNew(row.toJob());
        QuarkusTransaction.requiringNew().run(() -> notifications.markPublished(List.of(row.id), now));
        return row;
    }

    public Notification queue(String to) {
        return queue(to, "Your code is 123456");
    }

    public Notification row(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
    }

    public List<DeliveryAttempt> attempts(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> attempts.forNotification(id));
    }
}
