package io.notiflow.api.service;

import io.notiflow.api.repository.DlqReplay;
import io.notiflow.api.repository.DlqReplayRepository;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import io.notiflow.core.rabbit.DeadLetterQueue;
import io.notiflow.core.rabbit.DeadLetterQueue.DeadLetter;
import io.notiflow.core.store.NotificationEventRepository;
import io.notiflow.core.store.NotificationRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Listing and replaying a channel's dead-letter queue. A replayed job is published to the work queue with a
 * confirm before it is acked off the DLQ (a failure in between leaves it parked, never lost); its row goes
 * back to {@code queued} afterwards, and only if no worker has touched the row since the replay read it
 * (a worker may already have taken the replayed job: {@code failed} is not a settled status, so it delivers).
 */
@ApplicationScoped
public class DeadLetterService {

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);
    /** Letters replayed per database round trip. */
    private static final int BATCH = 100;

    private final DeadLetterQueue deadLetters;
    private final NotificationRepository notifications;
    private final DlqReplayRepository replays;
    private final NotificationEventRepository events;

    public DeadLetterService(DeadLetterQueue deadLetters, NotificationRepository notifications,
                             DlqReplayRepository replays, NotificationEventRepository events) {
        this.deadLetters = deadLetters;
        this.notifications = notifications;
        this.replays = replays;
        this.events = events;
    }

    public DeadLetterQueue.Listing list(Channel channel, int limit) {
        return deadLetters.peek(channel, limit);
    }

    /** How a replay went: its {@code dlq_replays} id and the notifications whose jobs went back to work. */
    public record Replay(long replayId, Channel channel, ReplaySelector selector, OffsetDateTime requestedAt,
                         List<UUID> replayed, int unidentified) {
    }

    /** The broker failed part-way: {@code partial} went back to work and is recorded; the rest stays parked. */
    public static class ReplayInterruptedException extends RuntimeException {
        private final Replay partial;

        ReplayInterruptedException(Replay partial, BrokerUnavailableException cause) {
            super("replay " + partial.replayId() + " stopped after " + partial.replayed().size() + " job(s): "
                    + cause.getMessage(), cause);
            this.partial = partial;
        }

        public Replay partial() {
            return partial;
        }
    }

    public Replay replay(Channel channel, ReplaySelector selector, String apiKey, String correlationId) {
        OffsetDateTime requestedAt = now();
        List<UUID> replayed = new ArrayList<>();
        int unidentified = 0;
        BrokerUnavailableException failure = null;
        try (DeadLetterQueue.Pass pass = deadLetters.pass(channel)) {
            List<DeadLetter> batch;
            while (!(batch = pass.next(selector, BATCH)).isEmpty()) {
                List<UUID> ids = batch.stream().flatMap(l -> l.notificationId().stream()).toList();
                Map<UUID, OffsetDateTime> before = QuarkusTransaction.requiringNew()
                        .call(() -> notifications.lastChanges(ids));
                List<UUID> done = new ArrayList<>();
                try {
                    for (DeadLetter letter : batch) {
                        pass.replay(letter);
                        Optional<UUID> id = letter.notificationId();
                        if (id.isPresent()) {
                            done.add(id.get());
                        } else {
                            unidentified++;
                        }
                    }
                } catch (BrokerUnavailableException e) {
                    failure = e;
                } finally {
                    requeue(done, before);
                    replayed.addAll(done);
                }
                if (failure != null) {
                    break;
                }
            }
        } catch (BrokerUnavailableException e) {
            if (replayed.isEmpty() && unidentified == 0) {
                throw e;
            }
            failure = e;
        }
        Replay replay = record(channel, selector, requestedAt, replayed, unidentified, apiKey, correlationId);
        LOG.infof("replay %d of %s DLQ (%s%s): %d job(s) back on the work queue%s", replay.replayId(),
                channel.key(), selector.kind().field(), selector.value() == null ? "" : " " + selector.value(),
                replayed.size() + unidentified, failure == null ? "" : "; stopped: " + failure.getMessage());
        if (failure != null) {
            throw new ReplayInterruptedException(replay, failure);
        }
        return replay;
    }

    private void requeue(List<UUID> ids, Map<UUID, OffsetDateTime> before) {
        if (ids.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            OffsetDateTime now = now();
            for (UUID id : ids) {
                OffsetDateTime lastChange = before.get(id);
                if (lastChange != null) {
                    notifications.requeueReplayed(id, lastChange, now);
                }
            }
        });
    }

    private Replay record(Channel channel, ReplaySelector selector, OffsetDateTime requestedAt, List<UUID> replayed,
                          int unidentified, String apiKey, String correlationId) {
        DlqReplay row = new DlqReplay();
        row.channel = channel.key();
        row.selector = selector.kind().field();
        row.selectorValue = selector.value();
        row.requestedAt = requestedAt;
        row.replayedCount = replayed.size() + unidentified;
        row.notificationIds = replayed.stream().map(UUID::toString).toList();
        row.apiKeyHint = ApiKeyHint.of(apiKey);
        row.correlationId = correlationId;
        QuarkusTransaction.requiringNew().run(() -> {
            replays.persist(row);
            // At the replay's start: each job went back to work after it, and before any new attempt.
            events.replayed(replayed, row.id, requestedAt);
        });
        return new Replay(row.id, channel, selector, requestedAt, List.copyOf(replayed), unidentified);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
