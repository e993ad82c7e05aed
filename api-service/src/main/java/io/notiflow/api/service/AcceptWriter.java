package io.notiflow.api.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.db.GroupCommit;
import io.notiflow.core.health.TimedWriters;
import io.notiflow.core.status.Notification;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores what POST /api/notify accepted, with group commit: requests that arrive while a commit is in flight wait
 * and are written together by the next one, in one multi-row INSERT per table and one COMMIT. Each request still
 * returns only once its own rows are durable. At a thousand requests a second this is what keeps the accept cheap:
 * a handful of statements and one WAL flush per group instead of a transaction per request.
 * <p>
 * An idempotency key is claimed with {@code INSERT ... ON CONFLICT DO NOTHING}: a request whose key an earlier
 * (or concurrent, or same-group) request holds stores nothing and is told so.
 */
@ApplicationScoped
public class AcceptWriter implements TimedWriters {

    /** Requests per group; a group's rows go in statements of at most {@link #ROWS_PER_STATEMENT}. */
    private static final int MAX_GROUP = 200;
    private static final int ROWS_PER_STATEMENT = 1000;
    /** As long as a request waits for its group's commit; the same as the default transaction timeout. */
    private static final long WAIT_SECONDS = 60;
    /** How long a busy writer gathers requests ({@link GroupCommit}): at most that much on an accept, fewer commits. */
    private static final Duration WINDOW = Duration.ofMillis(2);
    private static final String COLUMNS = "id, type, receiver, subject, title, message, html, data, status, user_id,"
            + " template_code, template_variables, template_version, skip_reason, request_id, correlation_id,"
            + " trace_parent, published_at, created_at, updated_at, target_kind";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /** Which of {@link #COLUMNS} take JSON. */
    private static final Set<Integer> JSON_COLUMNS = Set.of(8, 12);

    private final ObjectMapper json;
    private final GroupCommit<Request, Boolean> groups;

    public AcceptWriter(DataSource database, ObjectMapper json,
                        @ConfigProperty(name = "api.accept-writers", defaultValue = "1") int writers) {
        this.json = json;
        this.groups = new GroupCommit<>("accept-writer", database, writers, MAX_GROUP, WAIT_SECONDS, WINDOW,
                this::write);
    }

    /**
     * One request's rows, and with an idempotency key the answer to keep for it ({@code requestId} null: none).
     */
    public record Request(List<Notification> rows, String requestId, Map<String, Object> answer,
                          OffsetDateTime at) {
    }

    /** The group a request was written in failed; the cause is the database's. */
    public static final class StoreFailedException extends RuntimeException {
        StoreFailedException(String message, Throwable cause) {
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
     * Stores the request's rows (and its key) durably; returns false, storing nothing, when its idempotency key was
     * already taken. Throws {@link StoreFailedException} (its cause an {@link SQLException}) when the database
     * could not be written: the outcome of a commit whose reply was lost is unknown, as with any transaction.
     */
    public boolean store(Request request) {
        try {
            return groups.submit(request);
        } catch (SQLException e) {
            throw new StoreFailedException("database unavailable: " + e.getMessage(), e);
        }
    }

    /** One group's rows in one transaction; for each request, false when its key was already taken. */
    private List<Boolean> write(Connection c, List<Request> group) throws SQLException {
        Set<Request> repeated = claimKeys(c, group);
        List<Notification> rows = new ArrayList<>();
        for (Request r : group) {
            if (!repeated.contains(r)) {
                rows.addAll(r.rows());
            }
        }
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            insertRows(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
        }
        List<Boolean> stored = new ArrayList<>(group.size());
        group.forEach(r -> stored.add(!repeated.contains(r)));
        return stored;
    }

    /**
     * Inserts the group's idempotency keys with their answers; a key that is already there (or earlier in the
     * group) is left alone and its request counts as repeated. A key a concurrent transaction holds waits for it.
     */
    private Set<Request> claimKeys(Connection c, List<Request> group) throws SQLException {
        List<Request> keyed = group.stream().filter(r -> r.requestId() != null).toList();
        // Identity, not equality: two requests with equal contents are still two requests.
        Set<Request> repeated = Collections.newSetFromMap(new IdentityHashMap<>());
        if (keyed.isEmpty()) {
            return repeated;
        }
        StringBuilder sql = new StringBuilder("insert into accepted_requests (request_id, response, created_at)"
                + " values ");
        for (int i = 0; i < keyed.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, cast(? as jsonb), ?)");
        }
        sql.append(" on conflict (request_id) do nothing returning request_id");
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Request r : keyed) {
                insert.setString(i++, r.requestId());
                insert.setString(i++, toJson(r.answer()));
                insert.setObject(i++, r.at());
            }
            try (ResultSet inserted = insert.executeQuery()) {
                while (inserted.next()) {
                    claimed.add(inserted.getString(1));
                }
            }
        }
        for (Request r : keyed) {
            // The first request of the group with a key gets it; any later one with the same key is repeated.
            if (!claimed.remove(r.requestId())) {
                repeated.add(r);
            }
        }
        return repeated;
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
                        n.createdAt, n.updatedAt, n.targetKind == null ? null : n.targetKind.key()};
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
