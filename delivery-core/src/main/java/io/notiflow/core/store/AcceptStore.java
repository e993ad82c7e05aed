package io.notiflow.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.health.TimedWriters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The accept side of the store: what POST /api/notify accepted, with group commit: requests that arrive while a commit is in flight wait
 * and are written together by the next one, in one multi-row INSERT per table and one COMMIT. Each request still
 * returns only once its own rows are durable. At a thousand requests a second this is what keeps the accept cheap:
 * a handful of statements and one WAL flush per group instead of a transaction per request.
 * <p>
 * An idempotency key (scoped per API key) is claimed with {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} the
 * row there has expired: a request whose key an earlier (or concurrent, or same-group) request holds stores nothing
 * and gets that key's first answer and request hash, read in the same transaction.
 */
@ApplicationScoped
public class AcceptStore implements TimedWriters {

    /** Requests per group; a group's rows go in statements of at most {@link #ROWS_PER_STATEMENT}. */
    private static final int MAX_GROUP = 200;
    private static final int ROWS_PER_STATEMENT = 1000;
    /** As long as a request waits for its group's commit; the same as the default transaction timeout. */
    private static final long WAIT_SECONDS = 60;
    /** How long a busy writer gathers requests ({@link GroupCommit}): at most that much on an accept, fewer commits. */
    private static final Duration WINDOW = Duration.ofMillis(2);
    private static final String COLUMNS = "id, type, receiver, subject, title, message, html, data, status, user_id,"
            + " template_code, template_variables, template_version, skip_reason, request_id, correlation_id,"
            + " trace_parent, published_at, created_at, updated_at, target_kind, api_key_hint";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /** Which of {@link #COLUMNS} take JSON. */
    private static final Set<Integer> JSON_COLUMNS = Set.of(8, 12);

    private final ObjectMapper json;
    /** A key older than this is expired and may be claimed again (api-service's IdempotencySettings.window). */
    private final Duration window;
    private final GroupCommit<Request, Optional<HeldKey>> groups;

    public AcceptStore(DataSource database, ObjectMapper json,
                       @ConfigProperty(name = "api.idempotency.window", defaultValue = "24h") Duration window,
                       @ConfigProperty(name = "api.accept-writers", defaultValue = "1") int writers) {
        this.json = json;
        this.window = window;
        this.groups = new GroupCommit<>("accept-writer", database, writers, MAX_GROUP, WAIT_SECONDS, WINDOW,
                this::write);
    }

    /**
     * One request's rows, and with an idempotency key the claim to make for it ({@code key} null: none).
     */
    public record Request(List<Notification> rows, KeyClaim key, OffsetDateTime at) {
    }

    /**
     * An idempotency key to claim: the SHA-256 of the API key it is scoped to, the key, the SHA-256 of the request,
     * and the answer to keep for repeats (JSON).
     */
    public record KeyClaim(String apiKeySha256, String value, String requestSha256, String answerJson) {
    }

    /** The first answer under a key that was already live: its request's SHA-256 and the answer (JSON). */
    public record HeldKey(String requestSha256, String answerJson) {
    }

    /** The group a request was written in failed; the cause is the database's. */
    public static final class StoreFailedException extends RuntimeException {
        public StoreFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        groups.stop();
    }

    @Override
    public Map<String, Duration> writesInProgress() {
        return Map.of(groups.name(), groups.longestWrite());
    }

    /**
     * Stores the request's rows (and its key) durably; returns the key's first answer, storing nothing, when its
     * idempotency key was already live (the caller compares the requests). Throws {@link StoreFailedException}
     * (its cause an {@link SQLException}) when the database
     * could not be written: the outcome of a commit whose reply was lost is unknown, as with any transaction.
     */
    public Optional<HeldKey> accept(Request request) {
        try {
            return groups.submit(request);
        } catch (SQLException e) {
            throw new StoreFailedException("database unavailable: " + e.getMessage(), e);
        }
    }

    /** One group's rows in one transaction; for each request, its key's first answer when the key was live. */
    private List<Optional<HeldKey>> write(Connection c, List<Request> group) throws SQLException {
        Map<Request, HeldKey> repeated = claimKeys(c, group);
        List<Notification> rows = new ArrayList<>();
        for (Request r : group) {
            if (!repeated.containsKey(r)) {
                rows.addAll(r.rows());
            }
        }
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            insertRows(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
        }
        List<Optional<HeldKey>> outcomes = new ArrayList<>(group.size());
        group.forEach(r -> outcomes.add(Optional.ofNullable(repeated.get(r))));
        return outcomes;
    }

    /**
     * Inserts the group's idempotency keys with their answers and returns, for each request whose key was already
     * live (held by an earlier request, a concurrent transaction's or one earlier in the group), that key's first
     * answer. A key that exists but has expired is taken over. A key a concurrent transaction holds waits for it.
     */
    private Map<Request, HeldKey> claimKeys(Connection c, List<Request> group) throws SQLException {
        // Identity, not equality: two requests with equal contents are still two requests.
        Map<Request, HeldKey> repeated = new IdentityHashMap<>();
        // The first request of the group with a key claims it; a later one with the same key repeats it.
        Map<String, Request> claimants = new LinkedHashMap<>();
        for (Request r : group) {
            if (r.key() != null) {
                claimants.putIfAbsent(scoped(r.key().apiKeySha256(), r.key().value()), r);
            }
        }
        if (claimants.isEmpty()) {
            return repeated;
        }
        StringBuilder sql = new StringBuilder("insert into accepted_requests"
                + " (api_key_sha256, request_id, request_sha256, response, created_at) values ");
        for (int i = 0; i < claimants.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, cast(? as jsonb), ?)");
        }
        sql.append(" on conflict (api_key_sha256, request_id) do update set request_sha256 = excluded.request_sha256,"
                + " response = excluded.response, created_at = excluded.created_at"
                + " where accepted_requests.created_at <= ? returning api_key_sha256, request_id");
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Request r : claimants.values()) {
                insert.setString(i++, r.key().apiKeySha256());
                insert.setString(i++, r.key().value());
                insert.setString(i++, r.key().requestSha256());
                insert.setString(i++, r.key().answerJson());
                insert.setObject(i++, r.at());
            }
            insert.setObject(i, OffsetDateTime.now(ZoneOffset.UTC).minus(window));
            try (ResultSet inserted = insert.executeQuery()) {
                while (inserted.next()) {
                    claimed.add(scoped(inserted.getString(1), inserted.getString(2)));
                }
            }
        }
        Map<String, HeldKey> held = held(c, claimants.keySet().stream()
                .filter(k -> !claimed.contains(k)).map(claimants::get).toList());
        for (Request r : group) {
            if (r.key() == null) {
                continue;
            }
            String scoped = scoped(r.key().apiKeySha256(), r.key().value());
            Request claimant = claimants.get(scoped);
            if (!claimed.contains(scoped)) {
                repeated.put(r, held.get(scoped));
            } else if (claimant != r) {
                repeated.put(r, new HeldKey(claimant.key().requestSha256(), claimant.key().answerJson()));
            }
        }
        return repeated;
    }

    /** The live rows that kept these requests' keys (locked by the insert's conflict, so still there). */
    private Map<String, HeldKey> held(Connection c, List<Request> requests) throws SQLException {
        Map<String, HeldKey> held = new HashMap<>();
        if (requests.isEmpty()) {
            return held;
        }
        StringBuilder sql = new StringBuilder("select api_key_sha256, request_id, request_sha256, response::text"
                + " from accepted_requests where (api_key_sha256, request_id) in (");
        for (int i = 0; i < requests.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?)");
        }
        sql.append(')');
        try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Request r : requests) {
                select.setString(i++, r.key().apiKeySha256());
                select.setString(i++, r.key().value());
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    held.put(scoped(rows.getString(1), rows.getString(2)),
                            new HeldKey(rows.getString(3), rows.getString(4)));
                }
            }
        }
        for (Request r : requests) {
            if (!held.containsKey(scoped(r.key().apiKeySha256(), r.key().value()))) {
                throw new SQLException("idempotency key conflicted but its row is gone", "40001");
            }
        }
        return held;
    }

    private static String scoped(String apiKeySha256, String requestId) {
        return apiKeySha256 + ' ' + requestId; // a key has no spaces
    }

    private void insertRows(Connection c, List<Notification> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("insert into notifications (").append(COLUMNS).append(") values ");
        StringBuilder one = new StringBuilder("(");
        for (int col = 1; col <= COLUMN_COUNT; col++) {
            one.append(col == 1 ? "" : ", ").append(JSON_COLUMNS.contains(col) ? "cast(? as jsonb)" : "?");
        }
        one.append(')');
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(one);
        }
        try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Notification n : rows) {
                Object[] values = {n.id, n.type.key(), n.receiver, n.subject, n.title, n.message, n.html,
                        toJson(n.data), n.status.key(), n.userId, n.templateCode, toJson(n.templateVariables),
                        n.templateVersion, n.skipReason, n.requestId, n.correlationId, n.traceParent, n.publishedAt,
                        n.createdAt, n.updatedAt, n.targetKind == null ? null : n.targetKind.key(), n.apiKeyHint};
                for (Object value : values) {
                    if (value == null) {
                        insert.setNull(i++, Types.NULL);
                    } else {
                        insert.setObject(i++, value);
                    }
                }
            }
            insert.executeUpdate();
        }
    }

    private String toJson(Map<String, ?> value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store as JSON: " + e.getMessage(), e);
        }
    }
}
