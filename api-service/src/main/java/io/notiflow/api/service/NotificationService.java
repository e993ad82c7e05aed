package io.notiflow.api.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.notiflow.api.config.IdempotencySettings;
import io.notiflow.api.repository.AcceptedRequest;
import io.notiflow.api.repository.AcceptedRequestRepository;
import io.notiflow.api.rest.NotifyRequest;
import io.notiflow.api.service.RecipientPlanner.Planned;
import io.notiflow.core.store.AcceptStore;
import io.notiflow.core.store.DeliveryAttempt;
import io.notiflow.core.store.DeliveryAttemptRepository;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationEventRepository;
import io.notiflow.core.store.NotificationFilter;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.store.Timeline;
import io.notiflow.core.telemetry.MessageTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final NotificationEventRepository events;
    private final AcceptedRequestRepository acceptedRequests;
    private final IdempotencyKeys idempotencyKeys;
    private final IdempotencySettings idempotency;
    private final AcceptStore store;
    private final ObjectMapper json;
    private final RecipientPlanner planner;
    private final OutboxRelay relay;
    private final MessageTracing tracing;
    private final MeterRegistry metrics;

    public NotificationService(NotificationRepository notifications, DeliveryAttemptRepository attempts,
                               NotificationEventRepository events, AcceptedRequestRepository acceptedRequests, IdempotencyKeys idempotencyKeys,
                               IdempotencySettings idempotency, AcceptStore store, ObjectMapper json,
                               RecipientPlanner planner, OutboxRelay relay, MessageTracing tracing,
                               MeterRegistry metrics) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.events = events;
        this.acceptedRequests = acceptedRequests;
        this.idempotencyKeys = idempotencyKeys;
        this.idempotency = idempotency;
        this.store = store;
        this.json = json;
        this.planner = planner;
        this.relay = relay;
        this.tracing = tracing;
        this.metrics = metrics;
    }

    /**
     * Accepts a POST /api/notify: every notification it makes (see {@link RecipientPlanner}) and, with an
     * idempotency key, the answer, in one transaction. A repeated key (same API key, within the window) with the
     * same request gets the first answer and stores nothing; with a different request it is a 422 naming the key.
     */
    public Accepted accept(NotifyRequest request, String idempotencyHeader, String apiKey, String correlationId) {
        IdempotencyKey key = idempotencyKeys.resolve(request, idempotencyHeader, apiKey);
        if (key != null) {
            Optional<AcceptedRequest> first = firstAnswer(key);
            if (first.isPresent()) {
                return repeat(key, first.get());
            }
        }
        RecipientPlanner.Plan plan = planner.plan(request);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Notification> rows = rows(plan, key, ApiKeyHint.of(apiKey), correlationId, now);
        Map<String, Object> answer = answer(plan, rows);
        AcceptStore.KeyClaim claim = key == null ? null
                : new AcceptStore.KeyClaim(key.apiKeySha256(), key.value(), key.requestSha256(), toJson(answer));
        Optional<AcceptedRequest> held = store.accept(new AcceptStore.Request(rows, claim, now))
                .map(first -> new AcceptedRequest(first.requestSha256(), acceptedRequests.answer(first.answerJson())));
        if (held.isPresent()) {
            // Another request with the same key got in first (perhaps at the same moment).
            return repeat(key, held.get());
        }
        Accepted accepted = new Accepted(answer, false);
        List<Planned> planned = plan.notifications();
        long queued = planned.stream().filter(p -> p.skipReason() == null).count();
        LOG.infof("accepted %d %s notification(s), %d skipped: %s", queued, planned.get(0).draft().type().key(),
                planned.size() - queued, messageIds(accepted.answer()));
        if (queued > 0) {
            metrics.counter("notiflow.notifications.accepted", "type", planned.get(0).draft().type().key())
                    .increment(queued);
            relay.wake();
        }
        return accepted;
    }

    private Optional<AcceptedRequest> firstAnswer(IdempotencyKey key) {
        OffsetDateTime notBefore = OffsetDateTime.now(ZoneOffset.UTC).minus(idempotency.window());
        try {
            return acceptedRequests.find(key.apiKeySha256(), key.value(), notBefore);
        } catch (SQLException e) {
            throw new AcceptStore.StoreFailedException("database unavailable: " + e.getMessage(), e);
        }
    }

    /** The first answer for a repeat of the same request; a 422 for another request under the same key. */
    private Accepted repeat(IdempotencyKey key, AcceptedRequest first) {
        if (first.requestSha256() != null && !first.requestSha256().equals(key.requestSha256())) {
            LOG.infof("%s %s reused for a different request: refused", key.field(), key.value());
            String window = describe(idempotency.window());
            throw new UnprocessableRequestException(key.field() + " '" + key.value() + "' was already used for a"
                    + " different request in the last " + window + "; use a new key",
                    Map.of(key.field(), "'" + key.value() + "' was already used for a different request; a key may"
                            + " be reused " + window + " after its first use"));
        }
        LOG.infof("repeated %s %s answered with its first answer", key.field(), key.value());
        return new Accepted(first.response(), true);
    }

    private String toJson(Map<String, Object> answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot keep the answer as JSON: " + e.getMessage(), e);
        }
    }

    private static String describe(Duration window) {
        if (window.toMinutes() % 60 == 0 && !window.isZero()) {
            return window.toHours() + " h";
        }
        return window.getSeconds() % 60 == 0 ? window.toMinutes() + " min" : window.getSeconds() + " s";
    }

    /** Every row of the request carries its idempotency key (null: none), as {@link IdempotencyKeys} resolved it. */
    private List<Notification> rows(RecipientPlanner.Plan plan, IdempotencyKey key, String apiKeyHint,
                                    String correlationId, OffsetDateTime now) {
        String traceParent = tracing.currentTraceParent();
        List<Notification> rows = new ArrayList<>();
        for (Planned planned : plan.notifications()) {
            Notification row = row(planned, correlationId, now);
            row.requestId = key == null ? null : key.value();
            row.traceParent = traceParent;
            row.apiKeyHint = apiKeyHint;
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Object> answer(RecipientPlanner.Plan plan, List<Notification> rows) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (Notification row : rows) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("messageId", row.id.toString());
            entry.put("status", row.status.key());
            if (row.userId != null) {
                entry.put("userId", row.userId);
            } else if (row.receiver != null) {
                entry.put("to", row.receiver);
            }
            if (row.skipReason != null) {
                entry.put("reason", row.skipReason);
            }
            listed.add(entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (plan.listed()) {
            boolean anyQueued = rows.stream().anyMatch(r -> r.status == NotificationStatus.QUEUED);
            answer.put("status", (anyQueued ? NotificationStatus.QUEUED : NotificationStatus.SKIPPED).key());
            answer.put("notifications", listed);
        } else {
            Map<String, Object> only = listed.get(0);
            answer.put("status", only.get("status"));
            answer.put("messageId", only.get("messageId"));
            if (only.containsKey("reason")) {
                answer.put("reason", only.get("reason"));
            }
        }
        return answer;
    }

    private static Notification row(Planned planned, String correlationId, OffsetDateTime now) {
        NotificationDraft draft = planned.draft();
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = draft.type();
        row.receiver = draft.receiver();
        row.targetKind = draft.targetKind();
        row.subject = draft.subject();
        row.title = draft.title();
        row.message = draft.message();
        row.html = draft.html();
        row.data = draft.data();
        row.userId = draft.userId();
        if (planned.template() != null) {
            row.templateCode = planned.template().code();
            row.templateVersion = planned.template().version();
            row.templateVariables = planned.variables();
        }
        if (planned.skipReason() == null) {
            row.status = NotificationStatus.QUEUED;
        } else {
            row.status = NotificationStatus.SKIPPED;
            row.skipReason = planned.skipReason();
            row.publishedAt = now; // nothing to publish: keeps it out of the outbox
        }
        row.correlationId = correlationId;
        row.createdAt = now;
        row.updatedAt = now;
        return row;
    }

    @SuppressWarnings("unchecked")
    private static Object messageIds(Map<String, Object> answer) {
        Object listed = answer.get("notifications");
        if (listed instanceof List<?> entries) {
            return entries.stream().map(e -> ((Map<String, Object>) e).get("messageId")).toList();
        }
        return answer.get("messageId");
    }

    /** A notification with its attempts (oldest first) and its timeline. */
    public record Detail(Notification notification, List<DeliveryAttempt> attempts, Timeline timeline) {
    }

    @Transactional
    public Optional<Detail> find(UUID id) {
        return notifications.findByIdOptional(id).map(n -> {
            List<DeliveryAttempt> tried = attempts.forNotification(id);
            return new Detail(n, tried, Timeline.of(n, tried, events.forNotification(id)));
        });
    }

    /** Newest first; {@code since} inclusive, {@code until} exclusive, on {@code created_at}. */
    @Transactional
    public List<Notification> list(NotificationFilter filter, int limit) {
        return notifications.list(filter, limit);
    }
}
