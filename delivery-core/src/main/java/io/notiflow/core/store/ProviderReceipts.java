package io.notiflow.core.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.UUID;

/**
 * What a provider reports after the hand-off (Twilio's status callbacks): delivered, or not delivered and why.
 * The first final report wins and the status never moves backwards; a repeated or late report changes nothing.
 * A report may arrive before the worker has written its sent verdict: it applies to the waiting row, and the
 * verdict keeps what it said ({@link DeliveryStore}).
 */
@ApplicationScoped
public class ProviderReceipts {

    /** What a report came to. */
    public enum Outcome {
        /** The status moved (or the report was recorded for a row that had moved on, e.g. to read). */
        APPLIED,
        /** A final report was there already: this one changes nothing. */
        REPEATED,
        /** No notification has this id. */
        UNKNOWN_NOTIFICATION,
        /** The notification was sent as another provider message. */
        OTHER_MESSAGE
    }

    private static final String DELIVERED = """
            update notifications set provider_status = 'delivered', delivered_at = coalesce(delivered_at, now()),
                status = case when status in ('queued', 'retrying', 'sent') then 'delivered' else status end,
                updated_at = now()
            where id = :id and provider_status is null
              and (provider_message_id is null or provider_message_id = :message)""";

    private static final String NOT_DELIVERED = """
            update notifications set provider_status = :status,
                last_error = case when status in ('queued', 'retrying', 'sent') then :error else last_error end,
                status = case when status in ('queued', 'retrying', 'sent') then 'failed' else status end,
                updated_at = now()
            where id = :id and provider_status is null
              and (provider_message_id is null or provider_message_id = :message)""";

    private final EntityManager entities;
    private final NotificationEventRepository events;

    public ProviderReceipts(EntityManager entities, NotificationEventRepository events) {
        this.entities = entities;
        this.events = events;
    }

    /** The provider delivered message {@code providerMessageId} of notification {@code id}. */
    @Transactional
    public Outcome delivered(UUID id, String providerMessageId) {
        int moved = entities.createNativeQuery(DELIVERED).setParameter("id", id)
                .setParameter("message", providerMessageId).executeUpdate();
        return moved == 1 ? Outcome.APPLIED : why(id, providerMessageId);
    }

    /**
     * The provider could not deliver it: {@code status} is its word for that (undelivered, failed),
     * {@code errorClass} ours (e.g. twilio-30003), {@code error} the text kept as the row's last error.
     */
    @Transactional
    public Outcome notDelivered(UUID id, String providerMessageId, String provider, String status,
                                String errorClass, String error) {
        int moved = entities.createNativeQuery(NOT_DELIVERED).setParameter("id", id)
                .setParameter("message", providerMessageId).setParameter("status", status)
                .setParameter("error", errorClass + ": " + error).executeUpdate();
        if (moved == 0) {
            return why(id, providerMessageId);
        }
        events.undelivered(id, provider, status, errorClass);
        return Outcome.APPLIED;
    }

    private Outcome why(UUID id, String providerMessageId) {
        @SuppressWarnings("unchecked")
        List<Object> sent = entities.createNativeQuery(
                        "select coalesce(provider_message_id, '') from notifications where id = :id")
                .setParameter("id", id).getResultList();
        if (sent.isEmpty()) {
            return Outcome.UNKNOWN_NOTIFICATION;
        }
        String stored = (String) sent.get(0);
        return stored.isEmpty() || stored.equals(providerMessageId) ? Outcome.REPEATED : Outcome.OTHER_MESSAGE;
    }
}
