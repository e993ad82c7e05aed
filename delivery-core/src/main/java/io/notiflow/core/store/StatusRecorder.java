package io.notiflow.core.store;

import io.notiflow.core.store.GroupCommit;
import io.notiflow.core.health.TimedWriters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a worker's verdict on one attempt: the attempt row and the notification's new status, in one
 * statement, so SQL never shows an attempt without its status or the other way round.
 * <p>
 * A delivery's claim is a row of {@code delivery_claims} (V9), not a column of {@code notifications}: taking and
 * releasing it are an insert and a delete of a few bytes, where an update of {@code notifications} copies the
 * whole row, message included, and, when the row's page is full, adds an entry to each of its indexes. A verdict that
 * leaves the status as it is (the in-app hand-on) then writes nothing to {@code notifications} at all.
 * <p>
 * These are the statements every delivery runs (a claim, then one verdict), so they go over plain JDBC (no ORM
 * session, no JTA transaction) and with group commit ({@link GroupCommit}): the claims, and the verdicts, that the
 * worker's concurrent deliveries make at the same moment are written together, one statement or one batch and one
 * commit per group, instead of a commit each. Every caller still returns only once its own write is durable.
 */
@ApplicationScoped
public class StatusRecorder implements TimedWriters {

    private static final Logger LOG = Logger.getLogger(StatusRecorder.class);

    private static final int MAX_ERROR_LENGTH = 2000;
    private static final String SETTLEABLE = "('queued', 'retrying', 'failed')";
    /**
     * A verdict applies only while a delivery holds the row's claim, and every verdict releases it: the statement
     * deletes the claim first, and its status update and attempt row apply only if that delete found one. So
     * writing the same verdict again (its first write committed but the reply was lost in a database cut, and
     * {@code DeliveryProcessor} tried again) changes nothing: no second attempt row, no second status change.
     */
    private static final String RELEASE = "with released as (delete from delivery_claims where notification_id = ?"
            + " returning notification_id), moved as (";
    /** The status update's condition: the row whose claim this statement released. */
    private static final String HELD = " where id = ? and exists (select 1 from released)";
    /** The attempt row, inserted by the same statement; the batch's update count is this insert's. */
    private static final String ATTEMPT = ") insert into delivery_attempts (notification_id, attempt_number, outcome,"
            + " error_class, error_message, duration_ms, attempted_at)"
            + " select notification_id, ?, ?, ?, ?, ?, now() from released";

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

    public StatusRecorder(DataSource database) {
        this.claims = new GroupCommit<>("status-claims", database, 1, MAX_GROUP, WAIT_SECONDS, WINDOW,
                this::claimAll);
        this.verdicts = new GroupCommit<>("status-verdicts", database, 1, MAX_GROUP, WAIT_SECONDS, WINDOW,
                this::writeAll);
    }

    /** The claims' and the verdicts' write in progress ({@link GroupCommit#longestWrite}). */
    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(claims.name(), claims.longestWrite(), verdicts.name(), verdicts.longestWrite());
    }

    void stop(@Observes ShutdownEvent event) {
        claims.stop();
        verdicts.stop();
    }

    private record ClaimRequest(UUID notificationId, long leaseMillis) {
    }

    /**
     * One verdict: its attempt and its status update, given as {@code update} (the UPDATE up to its WHERE, whose
     * parameters are {@code values}) and {@code condition} (added to the WHERE after the key and {@link #HELD}).
     */
    private record Verdict(Attempt attempt, String update, String condition, Object[] values) {
        String statement() {
            return RELEASE + update + HELD + condition + ATTEMPT;
        }
    }

    /** An attempt to be recorded; {@code errorClass}/{@code errorMessage} are null for a success. */
    public record Attempt(UUID notificationId, int number, AttemptOutcome outcome, String errorClass,
                          String errorMessage, long durationMs) {
    }

    /**
     * What {@link #claim} found: the row's status (empty: no such row) and whether this delivery now holds it.
     */
    public record Claim(Optional<NotificationStatus> status, boolean claimed) {
    }

    /**
     * Claims an unsettled row for one delivery, so two copies of a job (an outbox republish after a lost
     * stamp, a redelivery) never call the provider at the same time. A claim older than {@code lease} is
     * taken over: its worker died. Every status write below releases the claim.
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

    /**
     * A group's claims: one batch of single-row claims (ids in order, so two workers lock rows in the same order),
     * then one read of the rows' statuses. A claim is a row of {@code delivery_claims}, inserted for an unsettled
     * notification, or taken over when the one there is older than the lease. Each statement finds its rows by
     * primary key only: a claim written as {@code id = ANY(...)} next to the status condition let the planner, with
     * statistics older than a burst, walk the status index instead and filter thousands of rows per claim; the
     * status condition is written as {@code (status || '')}, which no index matches, so that cannot happen to the
     * single-row form either. Two copies of one job in the same group: the first gets the claim, the other is told
     * the row is taken.
     */
    private List<Claim> claimAll(Connection c, List<ClaimRequest> group) throws SQLException {
        List<ClaimRequest> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(ClaimRequest::notificationId, KEY_ORDER));
        Set<UUID> claimed = new HashSet<>();
        try (PreparedStatement claim = c.prepareStatement("insert into delivery_claims (notification_id, claimed_at)"
                + " select id, now() from notifications"
                + " where id = ? and (status || '') in " + SETTLEABLE // || '': no index but the key's (see above)
                + " on conflict (notification_id) do update set claimed_at = excluded.claimed_at"
                + " where delivery_claims.claimed_at < now() - ? * interval '1 millisecond'")) {
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
        try (PreparedStatement read = c.prepareStatement("select id, status from notifications where id = any(?)")) {
            read.setArray(1, c.createArrayOf("uuid",
                    group.stream().map(ClaimRequest::notificationId).distinct().toArray()));
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
            results.add(new Claim(Optional.ofNullable(current.get(r.notificationId())), mine));
        }
        return results;
    }

    /** The message went out. Each verdict below returns false, writing nothing, when it had been written already. */
    public boolean sent(Attempt attempt, String providerMessageId) {
        return write(attempt, "update notifications set status = 'sent', provider_message_id = ?, sent_at = now(),"
                + " updated_at = now(), last_error = null", "", providerMessageId);
    }

    /**
     * The attempt succeeded and handed the job on to a hop that may move the status further itself
     * ({@code ChannelSender#settlesStatusItself}): a row still waiting (queued, retrying) goes sent, like the attempt
     * row says; a row that hop has already moved on (delivered, read: a client acked it before this verdict was
     * written) is left as it is, so the status never moves backwards.
     */
    public boolean handedOn(Attempt attempt) {
        return write(attempt, "update notifications set status = 'sent', sent_at = coalesce(sent_at, now()),"
                + " last_error = null, updated_at = now()", " and (status || '') in ('queued', 'retrying')");
    }

    /** Failed transiently and was put on the ladder; {@code retries} is the new retry count. */
    public boolean retrying(Attempt attempt, int retries) {
        return write(attempt, "update notifications set status = 'retrying', retries = ?, last_error = ?,"
                + " updated_at = now()", "", retries, describe(attempt));
    }

    /** Failed for good (permanent error or retries exhausted); the job is in the dead-letter queue. */
    public boolean failed(Attempt attempt) {
        return write(attempt, "update notifications set status = 'failed', last_error = ?, updated_at = now()", "",
                describe(attempt));
    }

    /** Not attempted because the provider's circuit is open; the job waits on the ladder, no retry used. */
    public boolean deferred(Attempt attempt) {
        return write(attempt, "update notifications set status = 'retrying', last_error = ?, updated_at = now()", "",
                describe(attempt));
    }

    /**
     * The claim's release, the attempt row and {@code update ... condition} (whose parameters are {@code values},
     * then the notification id), all only while the claim is held. Returns false when the claim was no longer held:
     * this verdict was written already.
     */
    private boolean write(Attempt attempt, String update, String condition, Object... values) {
        boolean written;
        try {
            written = verdicts.submit(new Verdict(attempt, update, condition, values));
        } catch (SQLException e) {
            throw unavailable(e);
        }
        if (!written) {
            LOG.infof("notification %s: %s verdict not written again, its claim is already released (the first write"
                    + " committed)", attempt.notificationId(), attempt.outcome().key());
        }
        return written;
    }

    /** A group's verdicts: one batch per kind of update (in id order), one round trip each. */
    private List<Boolean> writeAll(Connection c, List<Verdict> group) throws SQLException {
        Map<String, List<Integer>> byUpdate = new HashMap<>();
        for (int i = 0; i < group.size(); i++) {
            byUpdate.computeIfAbsent(group.get(i).statement(), u -> new ArrayList<>()).add(i);
        }
        Boolean[] written = new Boolean[group.size()];
        for (Map.Entry<String, List<Integer>> kind : byUpdate.entrySet()) {
            List<Integer> members = kind.getValue();
            members.sort(Comparator.comparing(i -> group.get(i).attempt().notificationId(), KEY_ORDER));
            try (PreparedStatement s = c.prepareStatement(kind.getKey())) {
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

    /** In {@link Verdict#statement}'s order: the claim's key, the update's values and key, the attempt. */
    private static void bind(PreparedStatement s, Verdict verdict) throws SQLException {
        Attempt attempt = verdict.attempt();
        s.setObject(1, attempt.notificationId());
        int i = 2;
        for (Object value : verdict.values()) {
            if (value == null) {
                s.setNull(i++, Types.VARCHAR);
            } else {
                s.setObject(i++, value);
            }
        }
        s.setObject(i++, attempt.notificationId());
        s.setInt(i++, attempt.number());
        s.setString(i++, attempt.outcome().key());
        s.setString(i++, attempt.errorClass());
        s.setString(i++, truncate(attempt.errorMessage()));
        s.setLong(i, attempt.durationMs());
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
