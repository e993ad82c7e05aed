package io.notiflow.core.store;

import io.notiflow.core.health.TimedWriters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A delivery's state in the store: its claim, then one verdict on its attempt (sent, handed on, retry scheduled,
 * dead-lettered, deferred). A verdict writes the attempt row and the notification's new status in one statement, so
 * SQL never shows an attempt without its status or the other way round.
 * <p>
 * A delivery's claim is a row of {@code delivery_claims} (V9), not a column of {@code notifications}: taking and
 * releasing it are an insert and a delete of a few bytes, where an update of {@code notifications} copies the
 * whole row, message included, and, when the row's page is full, adds an entry to each of its indexes. A verdict that
 * leaves the status as it is (the in-app hand-on) then writes nothing to {@code notifications} at all.
 * <p>
 * These are the statements every delivery runs (a claim, then one verdict), so they go over plain JDBC (no ORM
 * session, no JTA transaction) and with group commit ({@link GroupCommit}): the claims, and the verdicts, that the
 * worker's concurrent deliveries make at the same moment are written together, one batch and one commit per group,
 * instead of a commit each. Every caller still returns only once its own write is durable.
 * <p>
 * Every statement here finds its rows by primary key (a unique key: the planner expects one row whatever its
 * statistics say), and runs in a group commit's transaction, which keeps to the indexes ({@link IndexPlans}) so a
 * plan cached while the table was nearly empty cannot be a sequential scan.
 */
@ApplicationScoped
public class DeliveryStore implements TimedWriters {

    private static final Logger LOG = Logger.getLogger(DeliveryStore.class);

    private static final int MAX_ERROR_LENGTH = 2000;

    /**
     * Takes the claim of an unsettled row (queued, retrying, failed), or takes over one older than the lease (its
     * worker died). Updates 1 row when this delivery now holds the claim. Parameters: the notification id, the
     * lease in milliseconds.
     */
    private static final String CLAIM = """
            insert into delivery_claims (notification_id, claimed_at)
            select id, now() from notifications
            where id = ? and status in ('queued', 'retrying', 'failed')
            on conflict (notification_id) do update set claimed_at = excluded.claimed_at, taken_over = true
            where delivery_claims.claimed_at < now() - ? * interval '1 millisecond'""";

    /**
     * Skips the group's unsettled rows whose address is suppressed ({@code suppressions}, V13), before any claim is
     * taken: each goes skipped, with the suppression in its skip reason and in a {@code suppressed} event. Returns
     * the ids it skipped. Parameter: the ids, as a uuid array. With no suppression of the group's addresses this
     * reads the rows by key and writes nothing.
     */
    private static final String SUPPRESS = """
            with hit as (
                select n.id, s.address, s.reason, s.source, s.created_at
                from notifications n
                join suppressions s on s.channel = n.type
                    and s.address = case when n.type = 'email' then lower(n.receiver) else n.receiver end
                where n.id = any(?) and n.status in ('queued', 'retrying', 'failed')
            ), skipped as (
                update notifications n set status = 'skipped', updated_at = now(),
                    skip_reason = left(hit.address || ' is suppressed since '
                        || to_char(hit.created_at at time zone 'UTC', 'YYYY-MM-DD') || ' (' || hit.source || ': '
                        || hit.reason || ')', 255)
                from hit
                where n.id = hit.id and n.status in ('queued', 'retrying', 'failed')
                returning n.id
            )
            insert into notification_events (notification_id, kind, details)
            select hit.id, 'suppressed', jsonb_build_object('address', hit.address, 'reason', hit.reason,
                'source', hit.source, 'since', hit.created_at)
            from hit join skipped on skipped.id = hit.id
            returning notification_id""";

    /** The statuses of a group's rows, claimed or not. Parameter: the ids, as a uuid array. */
    private static final String STATUSES = "select id, status from notifications where id = any(?)";

    /*
     * The verdicts. Each one applies only while a delivery holds the row's claim, and each one releases it: the
     * statement deletes the claim first, and its status update and attempt row apply only to the row whose claim
     * that delete found. So writing the same verdict again (its first write committed but the reply was lost in a
     * database cut, and DeliveryProcessor tried again) changes nothing: no second attempt row, no second status
     * change. The statement's update count is the attempt insert's: 1 when written, 0 when written already.
     * The attempt row keeps what the timeline shows: the verdict, the claim it released (when taken, and whether it
     * was taken over from a worker that stopped answering) and, for the ladder, when the job is due again and out of
     * how many retries.
     * Parameters, in order: the notification id; the update's own values (see bind); the attempt's number, outcome,
     * error class, error message, duration in ms, worker, delay until the retry in ms and the ladder's retries.
     */

    /**
     * The message went out. Own value: the provider's message id. A provider's receipt that came in before this
     * verdict (a status callback is quick) has set {@code provider_status}; the status it gave stays.
     */
    private static final String SENT = verdict("""
            update notifications set provider_message_id = ?, sent_at = now(), updated_at = now(),
                status = case provider_status when 'delivered' then 'delivered'
                    when 'undelivered' then 'failed' when 'failed' then 'failed' else 'sent' end,
                last_error = case when provider_status in ('undelivered', 'failed') then last_error end
            where id = (select notification_id from released)""", AttemptVerdict.SENT);

    /**
     * Handed on to a hop that moves the status further itself: a row still waiting goes sent; a row that hop has
     * moved on already (delivered, read) keeps its status, so it never moves backwards. No own values.
     */
    private static final String HANDED_ON = verdict("""
            update notifications set status = 'sent', sent_at = coalesce(sent_at, now()),
                last_error = null, updated_at = now()
            where id = (select notification_id from released) and status in ('queued', 'retrying')""",
            AttemptVerdict.HANDED_ON);

    /** Failed transiently, on the ladder now. Own values: the new retry count, the error. */
    private static final String RETRY = verdict("""
            update notifications set status = 'retrying', retries = ?, last_error = ?, updated_at = now()
            where id = (select notification_id from released)""", AttemptVerdict.RETRY);

    /** Failed for good, in the dead-letter queue. Own value: the error. */
    private static final String DEAD_LETTER = verdict("""
            update notifications set status = 'failed', last_error = ?, updated_at = now()
            where id = (select notification_id from released)""", AttemptVerdict.DEAD_LETTER);

    /** Not attempted (circuit open), waiting on the ladder without a retry spent. Own value: the reason. */
    private static final String DEFER = verdict("""
            update notifications set status = 'retrying', last_error = ?, updated_at = now()
            where id = (select notification_id from released)""", AttemptVerdict.DEFERRED);

    /** A verdict's statement: release the claim, move the status ({@code update}), write the attempt row. */
    private static String verdict(String update, AttemptVerdict verdict) {
        return """
                with released as (
                    delete from delivery_claims where notification_id = ?
                    returning notification_id, claimed_at, taken_over
                ), moved as (
                %s
                )
                insert into delivery_attempts (notification_id, attempt_number, outcome, error_class, error_message,
                    duration_ms, attempted_at, verdict, claimed_at, took_over_claim, worker, retry_at, max_retries)
                select notification_id, ?, ?, ?, ?, ?, now(), '%s', claimed_at, taken_over, ?,
                    now() + ? * interval '1 millisecond', ?
                from released""".formatted(update.indent(4).stripTrailing(), verdict.key());
    }

    /**
     * PostgreSQL's order of uuids (bytes compared unsigned; {@link UUID#compareTo} compares signed). The grouped
     * claims and verdicts lock their rows in this order, as the in-app gateway's batched marks do, so two such
     * transactions wait for each other instead of deadlocking. One exception: a group that mixes kinds of verdict
     * (a failure among successes) runs one batch per kind, each in this order; that rare case can still deadlock,
     * and {@link GroupCommit} then writes the group again one verdict at a time.
     */
    private static final Comparator<UUID> KEY_ORDER = Comparator
            .comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);
    /** Most writes in one group: a worker's deliveries in flight (its concurrency) are usually fewer. */
    private static final int MAX_GROUP = 64;
    /** As long as a delivery waits for its group's commit. */
    private static final long WAIT_SECONDS = 60;
    /** How long a busy writer gathers claims or verdicts ({@link GroupCommit}): a few ms on a delivery, fewer commits. */
    private static final Duration WINDOW = Duration.ofMillis(2);

    /** One writer thread each: a worker's own groups never wait on each other's row locks. */
    private final GroupCommit<ClaimRequest, Claim> claims;
    private final GroupCommit<Verdict, Boolean> verdicts;

    @Inject
    public DeliveryStore(DataSource database) {
        this(database, WINDOW);
    }

    /** With another gathering window: zero commits a lone write at once, as an idle writer does. */
    DeliveryStore(DataSource database, Duration window) {
        this.claims = new GroupCommit<>("status-claims", database, 1, MAX_GROUP, WAIT_SECONDS, window,
                this::claimAll);
        this.verdicts = new GroupCommit<>("status-verdicts", database, 1, MAX_GROUP, WAIT_SECONDS, window,
                this::writeAll);
    }

    /** The claims' and the verdicts' write in progress ({@link GroupCommit#longestWrite}). */
    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(claims.name(), claims.longestWrite(), verdicts.name(), verdicts.longestWrite());
    }

    void stop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops the writer threads; later writes are done on their callers' threads ({@link GroupCommit#stop}). */
    void stop() {
        claims.stop();
        verdicts.stop();
    }

    /**
     * An attempt to be recorded; {@code errorClass}/{@code errorMessage} are null for a success. {@code worker} names
     * the worker instance that made it (null: not known).
     */
    public record Attempt(UUID notificationId, int number, AttemptOutcome outcome, String errorClass,
                          String errorMessage, long durationMs, String worker) {
        public Attempt(UUID notificationId, int number, AttemptOutcome outcome, String errorClass,
                       String errorMessage, long durationMs) {
            this(notificationId, number, outcome, errorClass, errorMessage, durationMs, null);
        }
    }

    /**
     * What {@link #claim} found: the row's status (empty: no such row), whether this delivery now holds it, and
     * whether this claim skipped it because its address is suppressed.
     */
    public record Claim(Optional<NotificationStatus> status, boolean claimed, boolean suppressed) {
        public Claim(Optional<NotificationStatus> status, boolean claimed) {
            this(status, claimed, false);
        }
    }

    private record ClaimRequest(UUID notificationId, long leaseMillis) {
    }

    /** The kinds of verdict, each with its statement; a group's verdicts run as one batch per kind. */
    private enum Kind {
        SENT(DeliveryStore.SENT), HANDED_ON(DeliveryStore.HANDED_ON), RETRY(DeliveryStore.RETRY),
        DEAD_LETTER(DeliveryStore.DEAD_LETTER), DEFER(DeliveryStore.DEFER);

        final String statement;

        Kind(String statement) {
            this.statement = statement;
        }
    }

    /**
     * One verdict; {@code providerMessageId} is for {@link Kind#SENT}, {@code retries} and {@code maxRetries} for
     * {@link Kind#RETRY}, {@code due} (how long until the job is due again) for {@link Kind#RETRY} and
     * {@link Kind#DEFER}.
     */
    private record Verdict(Kind kind, Attempt attempt, String providerMessageId, int retries, Duration due,
                           Integer maxRetries) {
        Verdict(Kind kind, Attempt attempt, String providerMessageId) {
            this(kind, attempt, providerMessageId, 0, null, null);
        }
    }

    /**
     * Claims an unsettled row for one delivery, so two copies of a job (an outbox republish after a lost
     * stamp, a redelivery) never call the provider at the same time. A claim older than {@code lease} is
     * taken over: its worker died. Every verdict below releases the claim.
     * <p>
     * Not claimed means: no such row, a settled row, or another delivery holds it ({@link Claim#status} tells).
     */
    public Claim claim(UUID notificationId, Duration lease) {
        try {
            return claims.submit(new ClaimRequest(notificationId, lease.toMillis()));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The message went out. Each verdict below returns false, writing nothing, when it had been written already. */
    public boolean markSent(Attempt attempt, String providerMessageId) {
        return write(new Verdict(Kind.SENT, attempt, providerMessageId));
    }

    /**
     * The attempt succeeded and handed the job on to a hop that may move the status further itself
     * ({@code ChannelSender#settlesStatusItself}): a row still waiting (queued, retrying) goes sent, like the attempt
     * row says; a row that hop has already moved on (delivered, read: a client acked it before this verdict was
     * written) is left as it is, so the status never moves backwards.
     */
    public boolean markHandedOn(Attempt attempt) {
        return write(new Verdict(Kind.HANDED_ON, attempt, null));
    }

    /**
     * Failed transiently and was put on the ladder: {@code retries} is the new retry count, of {@code maxRetries}
     * the ladder allows, and the job is due again after {@code due}.
     */
    public boolean scheduleRetry(Attempt attempt, int retries, int maxRetries, Duration due) {
        return write(new Verdict(Kind.RETRY, attempt, null, retries, due, maxRetries));
    }

    /** Failed for good (permanent error or retries exhausted); the job is in the dead-letter queue. */
    public boolean deadLetter(Attempt attempt) {
        return write(new Verdict(Kind.DEAD_LETTER, attempt, null));
    }

    /**
     * Not attempted because the provider's circuit is open; the job waits on the ladder for {@code due}, no retry
     * used.
     */
    public boolean defer(Attempt attempt, Duration due) {
        return write(new Verdict(Kind.DEFER, attempt, null, 0, due, null));
    }

    /** Returns false when the claim was no longer held: this verdict was written already. */
    private boolean write(Verdict verdict) {
        boolean written;
        try {
            written = verdicts.submit(verdict);
        } catch (SQLException e) {
            throw unavailable(e);
        }
        if (!written) {
            LOG.infof("notification %s: %s verdict not written again, its claim is already released (the first write"
                    + " committed)", verdict.attempt().notificationId(), verdict.attempt().outcome().key());
        }
        return written;
    }

    /**
     * A group's claims: first the suppressed rows are skipped ({@link #SUPPRESS}), then one batch of single-row claims (ids in {@link #KEY_ORDER}, so two workers lock rows in the
     * same order), then one read of the rows' statuses. Two copies of one job in the same group: the first gets the
     * claim, the other is told the row is taken.
     * <p>
     * One statement per row rather than one {@code id = any(...)} statement: the set form lets the planner weigh
     * the status index against the key with statistics older than a burst, and it once walked the status index and
     * filtered thousands of rows per claim. With one key per statement the key is the cheapest plan by far.
     */
    private List<Claim> claimAll(Connection c, List<ClaimRequest> group) throws SQLException {
        Object[] ids = group.stream().map(ClaimRequest::notificationId).distinct().toArray();
        Set<UUID> suppressed = new HashSet<>();
        try (PreparedStatement suppress = c.prepareStatement(SUPPRESS)) {
            suppress.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rows = suppress.executeQuery()) {
                while (rows.next()) {
                    suppressed.add(rows.getObject(1, UUID.class));
                }
            }
        }
        List<ClaimRequest> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(ClaimRequest::notificationId, KEY_ORDER));
        Set<UUID> claimed = new HashSet<>();
        try (PreparedStatement claim = c.prepareStatement(CLAIM)) {
            for (ClaimRequest r : ordered) {
                claim.setObject(1, r.notificationId());
                claim.setLong(2, r.leaseMillis());
                claim.addBatch();
            }
            int[] counts = claim.executeBatch();
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] == 1) {
                    claimed.add(ordered.get(k).notificationId());
                }
            }
        }
        Map<UUID, NotificationStatus> current = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement(STATUSES)) {
            read.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    String key = rows.getString(2);
                    current.put(rows.getObject(1, UUID.class), NotificationStatus.fromKey(key).orElseThrow(
                            () -> new IllegalStateException("unknown status '" + key + "' in notifications")));
                }
            }
        }
        List<Claim> results = new ArrayList<>(group.size());
        for (ClaimRequest r : group) {
            boolean mine = claimed.remove(r.notificationId()); // only the first copy gets it
            results.add(new Claim(Optional.ofNullable(current.get(r.notificationId())), mine,
                    suppressed.remove(r.notificationId())));
        }
        return results;
    }

    /** A group's verdicts: one batch per kind (in {@link #KEY_ORDER}), one round trip each. */
    private List<Boolean> writeAll(Connection c, List<Verdict> group) throws SQLException {
        Map<Kind, List<Integer>> byKind = new EnumMap<>(Kind.class);
        for (int i = 0; i < group.size(); i++) {
            byKind.computeIfAbsent(group.get(i).kind(), k -> new ArrayList<>()).add(i);
        }
        Boolean[] written = new Boolean[group.size()];
        for (Map.Entry<Kind, List<Integer>> kind : byKind.entrySet()) {
            List<Integer> members = kind.getValue();
            members.sort(Comparator.comparing(i -> group.get(i).attempt().notificationId(), KEY_ORDER));
            try (PreparedStatement s = c.prepareStatement(kind.getKey().statement)) {
                for (int member : members) {
                    bind(s, group.get(member));
                    s.addBatch();
                }
                int[] counts = s.executeBatch();
                for (int k = 0; k < members.size(); k++) {
                    written[members.get(k)] = counts[k] == 1;
                }
            }
        }
        return Arrays.asList(written);
    }

    /** In the verdict statements' order: the claim's key, the update's own values, the attempt and its ladder. */
    private static void bind(PreparedStatement s, Verdict verdict) throws SQLException {
        Attempt attempt = verdict.attempt();
        int p = 1;
        s.setObject(p++, attempt.notificationId());
        switch (verdict.kind()) {
            case SENT -> s.setString(p++, verdict.providerMessageId());
            case HANDED_ON -> {
                // none: the status moves only if it is still waiting
            }
            case RETRY -> {
                s.setInt(p++, verdict.retries());
                s.setString(p++, describe(attempt));
            }
            case DEAD_LETTER, DEFER -> s.setString(p++, describe(attempt));
        }
        s.setInt(p++, attempt.number());
        s.setString(p++, attempt.outcome().key());
        s.setString(p++, attempt.errorClass());
        s.setString(p++, truncate(attempt.errorMessage()));
        s.setLong(p++, attempt.durationMs());
        s.setString(p++, attempt.worker());
        if (verdict.due() == null) {
            s.setNull(p++, Types.BIGINT);
        } else {
            s.setLong(p++, verdict.due().toMillis());
        }
        if (verdict.maxRetries() == null) {
            s.setNull(p, Types.INTEGER);
        } else {
            s.setInt(p, verdict.maxRetries());
        }
    }

    private static StatusWriteException unavailable(SQLException e) {
        return new StatusWriteException("status database unavailable: " + e.getMessage(), e);
    }

    /** The status could not be read or written (database down, say); the job must be redelivered. */
    public static final class StatusWriteException extends RuntimeException {
        StatusWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(Attempt attempt) {
        return truncate(attempt.errorClass() + ": " + attempt.errorMessage());
    }

    /** At most {@value #MAX_ERROR_LENGTH} characters, without NUL (which PostgreSQL text cannot hold). */
    static String truncate(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', ' ');
        return clean.length() <= MAX_ERROR_LENGTH ? clean : clean.substring(0, MAX_ERROR_LENGTH);
    }
}
