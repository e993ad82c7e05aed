package io.notiflow.api.service;

import io.notiflow.core.job.Channel;
import io.notiflow.core.status.DeliveryAttempt;
import io.notiflow.core.status.DeliveryAttemptRepository;
import io.notiflow.core.status.Notification;
import io.notiflow.core.status.NotificationRepository;
import io.notiflow.core.status.NotificationStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepting and reading notifications. Accepting commits the row (status {@code queued}, not yet published)
 * and returns; the {@link OutboxRelay} puts it on the broker. So a 202 always means the row is durable, whether
 * or not RabbitMQ is up.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);

    private final NotificationRepository notifications;
    private final DeliveryAttemptRepository attempts;
    private final OutboxRelay relay;

    public NotificationService(NotificationRepository notifications, DeliveryAttemptRepository attempts,
                               OutboxRelay relay) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.relay = relay;
    }

    public Accepted accept(NotificationDraft draft, String correlationId) {
        Accepted accepted;
        try {
            accepted = QuarkusTransaction.requiringNew().call(() -> store(draft, correlationId));
        } catch (PersistenceException e) {
            // Two requests with the same key raced; the unique index let one in. Answer with its row.
            Optional<Notification> first = draft.requestId() == null ? Optional.empty()
                    : QuarkusTransaction.requiringNew().call(() -> notifications.findByRequestId(draft.requestId()));
            if (first.isEmpty()) {
                throw e;
            }
            accepted = new Accepted(first.get().id, NotificationStatus.QUEUED.key(), true);
        }
        if (accepted.repeated()) {
            LOG.infof("repeated request_id %s answered with notification %s", draft.requestId(),
                    accepted.messageId());
        } else {
            LOG.infof("accepted %s notification %s", draft.type().key(), accepted.messageId());
            relay.wake();
        }
        return accepted;
    }

    private Accepted store(NotificationDraft draft, String correlationId) {
        if (draft.requestId() != null) {
            Optional<Notification> existing = notifications.findByRequestId(draft.requestId());
            if (existing.isPresent()) {
                return new Accepted(existing.get().id, NotificationStatus.QUEUED.key(), true);
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = draft.type();
        row.receiver = draft.receiver();
        row.subject = draft.subject();
        row.title = draft.title();
        row.message = draft.message();
        row.html = draft.html();
        row.data = draft.data();
        row.userId = draft.userId();
        row.requestId = draft.requestId();
        row.status = NotificationStatus.QUEUED;
        row.correlationId = correlationId;
        row.createdAt = now;
        row.updatedAt = now;
        notifications.persist(row);
        notifications.flush();
        return new Accepted(row.id, NotificationStatus.QUEUED.key(), false);
    }

    /** A notification with its attempts, oldest attempt first. */
    public record Detail(Notification notification, List<DeliveryAttempt> attempts) {
    }

    @Transactional
    public Optional<Detail> find(UUID id) {
        return notifications.findByIdOptional(id)
                .map(n -> new Detail(n, attempts.forNotification(id)));
    }

    @Transactional
    public List<Notification> list(NotificationStatus status, Channel type, int limit) {
        return notifications.list(status, type, limit);
    }
}
