package io.notiflow.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.Topology;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A notification's timeline: its events in order, and one sentence in plain words saying why it stands where it
 * does. Built from the rows that record them (V12's header lists which row keeps which event), so recording an
 * event costs the hot path no statement of its own.
 */
public record Timeline(List<Event> events, String reason) {

    /** The event types, in the order the life of a notification meets them. */
    public static final String ACCEPTED = "accepted";
    public static final String SKIPPED = "skipped";
    public static final String PUBLISHED = "published";
    public static final String CLAIMED = "claimed";
    public static final String POSSIBLE_DUPLICATE = "possible-duplicate";
    public static final String ATTEMPT = "attempt";
    public static final String RETRY_SCHEDULED = "retry-scheduled";
    public static final String DEFERRED = "deferred";
    public static final String DEAD_LETTERED = "dead-lettered";
    /** Skipped when a worker claimed it, because its address is suppressed ({@code suppressions}). */
    public static final String SUPPRESSED = NotificationEvent.SUPPRESSED;
    public static final String REPLAYED = NotificationEvent.REPLAYED;
    public static final String SENT = "sent";
    public static final String UNDELIVERED = NotificationEvent.UNDELIVERED;
    public static final String DELIVERED = "delivered";
    public static final String READ = "read";

    /**
     * One event: its type and time, and the details that type has (the others are left out of the JSON).
     * {@code attempt} numbers restart at 1 after a replay, which the timeline shows as a {@code replayed} event.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(String type, OffsetDateTime at, Integer attempt, String outcome, String errorClass,
                        String error, Long durationMs, String worker, Integer retry, Integer maxRetries,
                        OffsetDateTime retryAt, String queue, String failureKind, Long replayId,
                        String providerMessageId, String apiKey, String correlationId, String reason) {
    }

    /**
     * The timeline of {@code n}, from its attempt rows and its own events (each list oldest first). Events are in
     * the order they happened, which is the order of their times but for two stamps written after the fact:
     * {@code published} (the outbox stamps it once the broker's confirm is back, and a worker may claim the job
     * before that) goes before the first claim, and {@code delivered}/{@code read} (an in-app client may ack
     * before its hand-on verdict is written), like a provider's report, after {@code sent}. Each event keeps its
     * own time.
     */
    public static Timeline of(Notification n, List<DeliveryAttempt> attempts, List<NotificationEvent> own) {
        List<Event> later = new ArrayList<>();
        List<Event> reports = new ArrayList<>(); // the provider's, after the hand-off
        for (DeliveryAttempt a : attempts) {
            addAttempt(later, n, a);
        }
        for (NotificationEvent e : own) {
            Builder b = new Builder(e.kind, e.at);
            Map<String, Object> details = e.details == null ? Map.of() : e.details;
            if (details.get("replay_id") instanceof Number id) {
                b.replayId = id.longValue();
            }
            if (UNDELIVERED.equals(e.kind)) {
                b.outcome = String.valueOf(details.get("status"));
                b.errorClass = String.valueOf(details.get("error_class"));
                b.reason = "reported by " + details.get("provider");
                reports.add(b.build());
                continue;
            }
            if (SUPPRESSED.equals(e.kind)) {
                b.reason = details.get("address") + " is suppressed (" + details.get("source") + ": "
                        + details.get("reason") + ")";
            }
            later.add(b.build());
        }
        // A stable sort: events written at the same instant keep the order they happen in.
        later.sort(Comparator.comparing(Event::at));
        List<Event> events = new ArrayList<>(later.size() + 4);
        Builder accepted = new Builder(ACCEPTED, n.createdAt);
        accepted.apiKey = n.apiKeyHint;
        accepted.correlationId = n.correlationId;
        events.add(accepted.build()); // first even when another host's clock is a little behind
        boolean skippedAtClaim = own.stream().anyMatch(e -> SUPPRESSED.equals(e.kind));
        if (n.status == NotificationStatus.SKIPPED && !skippedAtClaim) {
            events.add(new Builder(SKIPPED, n.createdAt).reason(n.skipReason).build());
        } else if (n.publishedAt != null) {
            events.add(new Builder(PUBLISHED, n.publishedAt).build());
        }
        events.addAll(later);
        if (n.deliveredAt != null) {
            addAfterSent(events, new Builder(DELIVERED, n.deliveredAt).build());
        }
        if (n.readAt != null) {
            addAfterSent(events, new Builder(READ, n.readAt).build());
        }
        reports.forEach(report -> addAfterSent(events, report));
        return new Timeline(List.copyOf(events), reason(n, attempts, own));
    }

    /** Adds an event at its time, but never before the last {@code sent}. */
    private static void addAfterSent(List<Event> events, Event event) {
        int index = events.size();
        while (index > 0 && events.get(index - 1).at().isAfter(event.at())
                && !SENT.equals(events.get(index - 1).type())) {
            index--;
        }
        events.add(index, event);
    }

    private static void addAttempt(List<Event> events, Notification n, DeliveryAttempt a) {
        if (a.claimedAt != null) {
            Builder claimed = new Builder(CLAIMED, a.claimedAt);
            claimed.worker = a.worker;
            events.add(claimed.build());
            if (Boolean.TRUE.equals(a.tookOverClaim)) {
                events.add(new Builder(POSSIBLE_DUPLICATE, a.claimedAt).reason("the claim was taken over after"
                        + " WORKER_CLAIM_LEASE from a worker that stopped answering, which may have sent it").build());
            }
        }
        if (a.outcome == AttemptOutcome.DEFERRED) {
            Builder deferred = new Builder(DEFERRED, a.attemptedAt).reason(a.errorMessage);
            deferred.retryAt = a.retryAt;
            events.add(deferred.build());
            return; // not an attempt: nothing was sent
        }
        Builder attempt = new Builder(ATTEMPT, a.attemptedAt);
        attempt.attempt = a.attemptNumber;
        attempt.outcome = a.outcome.key();
        attempt.errorClass = a.errorClass;
        attempt.error = a.errorMessage;
        attempt.durationMs = a.durationMs;
        attempt.worker = a.worker;
        events.add(attempt.build());
        AttemptVerdict verdict = a.verdict != null ? a.verdict
                : a.outcome == AttemptOutcome.SENT ? AttemptVerdict.SENT : null; // a row from before V12
        if (verdict == null) {
            return;
        }
        switch (verdict) {
            case SENT -> {
                Builder sent = new Builder(SENT, a.attemptedAt);
                sent.providerMessageId = n.providerMessageId;
                events.add(sent.build());
            }
            case HANDED_ON -> events.add(new Builder(SENT, a.attemptedAt)
                    .reason("handed to the in-app gateways").build());
            case RETRY -> {
                Builder retry = new Builder(RETRY_SCHEDULED, a.attemptedAt);
                retry.retry = a.attemptNumber;
                retry.maxRetries = a.maxRetries;
                retry.retryAt = a.retryAt;
                events.add(retry.build());
            }
            case DEAD_LETTER -> {
                Builder parked = new Builder(DEAD_LETTERED, a.attemptedAt);
                parked.queue = Topology.deadLetterQueue(n.type);
                parked.failureKind = a.outcome == AttemptOutcome.PERMANENT ? "permanent" : "retries-exhausted";
                events.add(parked.build());
            }
            case DEFERRED -> {
                // written with outcome deferred, handled above
            }
        }
    }

    /** Why {@code n} stands where it does, in one sentence. */
    static String reason(Notification n, List<DeliveryAttempt> attempts, List<NotificationEvent> own) {
        DeliveryAttempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        return switch (n.status) {
            case QUEUED -> {
                if (n.publishedAt == null) {
                    yield "accepted at " + time(n.createdAt) + "; waiting to be published to the broker (the outbox"
                            + " publishes it as soon as the broker confirms)";
                }
                NotificationEvent replay = own.stream().filter(e -> REPLAYED.equals(e.kind))
                        .reduce((first, second) -> second).orElse(null);
                if (replay != null && (last == null || !replay.at.isBefore(last.attemptedAt))) {
                    yield "replayed from the dead-letter queue at " + time(replay.at) + "; waiting for "
                            + worker(n.type);
                }
                yield "queued since " + time(n.publishedAt) + "; waiting for " + worker(n.type);
            }
            case RETRYING -> {
                if (last != null && last.verdict == AttemptVerdict.DEFERRED) {
                    yield "deferred: " + provider(n.type) + " is failing (its circuit breaker is open); next try"
                            + (last.retryAt == null ? " on the retry ladder" : " at " + time(last.retryAt));
                }
                StringBuilder text = new StringBuilder("waiting for retry ").append(n.retries);
                if (last != null && last.maxRetries != null) {
                    text.append(" of ").append(last.maxRetries);
                }
                if (last != null && last.retryAt != null) {
                    text.append(" at ").append(time(last.retryAt));
                }
                String error = last != null && last.errorClass != null ? error(last) : n.lastError;
                yield error == null ? text.toString() : text.append(" after ").append(error).toString();
            }
            case SENT -> n.type == Channel.INAPP
                    ? "sent: handed to the in-app gateways at " + time(n.sentAt) + "; no client has acknowledged it"
                    + " yet (an offline user gets it from the inbox)"
                    : "sent: " + provider(n.type) + " accepted it at " + time(n.sentAt)
                    + (n.providerMessageId == null ? "" : " (provider id " + n.providerMessageId + ")");
            case DELIVERED -> n.type == Channel.INAPP
                    ? "delivered: a client acknowledged it at " + time(n.deliveredAt)
                    : "delivered: " + provider(n.type) + " reported it delivered at " + time(n.deliveredAt);
            case READ -> "read at " + time(n.readAt);
            case FAILED -> {
                if ("undelivered".equals(n.providerStatus) || "failed".equals(n.providerStatus)) {
                    yield "failed: " + provider(n.type) + " reported it " + n.providerStatus
                            + (n.lastError == null ? "" : " (" + n.lastError.split(":", 2)[0] + ")");
                }
                long tries = attempts.stream().filter(a -> a.outcome != AttemptOutcome.DEFERRED).count();
                yield "failed after " + tries + (tries == 1 ? " attempt" : " attempts")
                        + (last != null && last.errorClass != null ? ": " + error(last)
                        : n.lastError == null ? "" : ": " + n.lastError)
                        + "; parked in " + Topology.deadLetterQueue(n.type) + ", where an operator can replay it";
            }
            case SKIPPED -> "not sent: " + (n.skipReason == null ? "skipped" : n.skipReason);
        };
    }

    private static String error(DeliveryAttempt a) {
        return a.errorMessage == null ? a.errorClass : a.errorClass + " (" + a.errorMessage + ")";
    }

    private static String worker(Channel type) {
        return "the " + type.key() + " worker";
    }

    private static String provider(Channel type) {
        return switch (type) {
            case EMAIL -> "the SMTP relay";
            case SMS -> "Twilio";
            case PUSH -> "FCM";
            case INAPP -> "the in-app gateways";
        };
    }

    private static String time(OffsetDateTime at) {
        return at == null ? "an unknown time" : at.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The event's optional fields, set by the type that has them. */
    private static final class Builder {
        private final String type;
        private final OffsetDateTime at;
        Integer attempt;
        String outcome;
        String errorClass;
        String error;
        Long durationMs;
        String worker;
        Integer retry;
        Integer maxRetries;
        OffsetDateTime retryAt;
        String queue;
        String failureKind;
        Long replayId;
        String providerMessageId;
        String apiKey;
        String correlationId;
        String reason;

        Builder(String type, OffsetDateTime at) {
            this.type = type;
            this.at = at;
        }

        Builder reason(String text) {
            reason = text;
            return this;
        }

        Event build() {
            return new Event(type, at, attempt, outcome, errorClass, error, durationMs, worker, retry, maxRetries,
                    retryAt, queue, failureKind, replayId, providerMessageId, apiKey, correlationId, reason);
        }
    }
}
