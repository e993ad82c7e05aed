package io.notiflow.inapp.socket;

import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.store.InboxEntry;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Server → client: {@code {"type":"notification","id","title","message","data","createdAt"}}. */
public record NotificationFrame(String type, UUID id, String title, String message, Map<String, String> data,
                                Instant createdAt) {

    public static NotificationFrame of(InboxEntry entry) {
        return new NotificationFrame("notification", entry.id(), entry.title(), entry.message(), entry.data(),
                entry.createdAt());
    }

    /** A live job, with the time it was accepted (the row's created_at). */
    public static NotificationFrame of(DeliveryJob job, Instant createdAt) {
        return new NotificationFrame("notification", job.notificationId(), job.title(), job.message(), job.data(),
                createdAt);
    }
}
