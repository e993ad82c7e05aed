package io.notiflow.push;

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
import java.util.Map;
import java.util.UUID;

/** Queues push notifications the way api-service does (row committed, then the job published) and reads them back. */
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

    /** A fresh device token per test, so the fake's request log tells tests apart. */
    public static String uniqueToken() {
        return "device-" + UUID.randomUUID().toString().replace("-", "");
    }

    public Notification queue(String token, String title, String text, Map<String, String> data) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = Channel.PUSH;
        row.receiver = token;
        row.title = title;
        row.message = text;
        row.data = data;
        row.status = NotificationStatus.QUEUED;
        row.correlationId = "test-" + row.id;
        row.createdAt = now;
        row.updatedAt = now;
        QuarkusTransaction.requiringNew().run(() -> notifications.persist(row));
        jobs.publishNew(row.toJob());
        QuarkusTransaction.requiringNew().run(() -> notifications.markPublished(List.of(row.id), now));
        return row;
    }

    public Notification queue(String token) {
        return queue(token, "Hello", "Hello from notiflow", null);
    }

    public Notification row(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
    }

    public List<DeliveryAttempt> attempts(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> attempts.forNotification(id));
    }
}
