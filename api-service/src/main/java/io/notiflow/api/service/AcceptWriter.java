package io.notiflow.api.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.status.Notification;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
public class AcceptWriter {

    private static final Logger LOG = Logger.getLogger(AcceptWriter.class);
    /** Requests per group; a group's rows go in statements of at most {@link #ROWS_PER_STATEMENT}. */
    private static final int MAX_GROUP = 200;
    private static final int ROWS_PER_STATEMENT = 1000;
    /** As long as a request waits for its group's commit; the same as the default transaction timeout. */
    private static final long WAIT_SECONDS = 60;
    private static final String COLUMNS = "id, type, receiver, subject, title, message, html, data, status, user_id,"
            + " template_code, template_variables, template_version, skip_reason, request_id, correlation_id,"
            + " trace_parent, published_at, created_at, updated_at";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /** Which of {@link #COLUMNS} take JSON. */
    private static final Set<Integer> JSON_COLUMNS = Set.of(8, 12);

    private final DataSource database;
    private final ObjectMapper json;
    private final int writers;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public AcceptWriter(DataSource database, ObjectMapper json,
                        @ConfigProperty(name = "api.accept-writers", defaultValue = "2") int writers) {
        this.database = database;
        this.json = json;
        this.writers = writers;
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

    private static final class Pending {
        final Request request;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();

        Pending(Request request) {
            this.request = request;
        }
    }

    void start(@Observes StartupEvent event) {
        running = true;
        for (int i = 1; i <= Math.max(1, writers); i++) {
            Thread thread = new Thread(this::loop, "accept-writer-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        threads.forEach(Thread::interrupt);
    }

    /**
     * Stores the request's rows (and its key) durably; returns false, storing nothing, when its idempotency key was
     * already taken. Throws {@link StoreFailedException} (its cause an {@link SQLException}) when the database
     * could not be written: the outcome of a commit whose reply was lost is unknown, as with any transaction.
     */
    public boolean store(Request request) {
        Pending pending = new Pending(request);
        queue.add(pending);
        if (!running) {
            writeQueued(); // before start-up or after shut-down: on the caller's thread
        }
        try {
            return pending.done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreFailedException("store failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFailedException("interrupted waiting for the database", new SQLException(e));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreFailedException("no commit within " + WAIT_SECONDS + " s",
                    new SQLException("database did not answer", "08006"));
        }
    }

    private void loop() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        while (running) {
            try {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                write(group);
            } catch (InterruptedException e) {
                break; // shut-down
            } finally {
                group.clear();
            }
        }
        writeQueued();
    }

    /** Writes what is queued now: at shut-down, whatever is still waiting is written rather than dropped. */
    private void writeQueued() {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (int from = 0; from < rest.size(); from += MAX_GROUP) {
            write(rest.subList(from, Math.min(rest.size(), from + MAX_GROUP)));
        }
    }

    /** Writes a group; on a data error (one bad request) writes each request alone, so only that one fails. */
    private void write(List<Pending> group) {
        try {
            complete(group, transaction(group));
        } catch (SQLException e) {
            if (group.size() > 1 && isDataError(e)) {
                LOG.warnf("a group of %d accepts failed (%s); writing them one by one", group.size(), e.getMessage());
                for (Pending one : group) {
                    write(List.of(one));
                }
                return;
            }
            StoreFailedException failure = new StoreFailedException("database unavailable: " + e.getMessage(), e);
            group.forEach(p -> p.done.completeExceptionally(failure));
        } catch (RuntimeException e) {
            // Whoever runs this (a writer thread, or a caller at shut-down), every request of the group gets an answer.
            LOG.error("accept group failed", e);
            group.forEach(p -> p.done.completeExceptionally(e));
        }
    }

    private static void complete(List<Pending> group, Set<Pending> repeated) {
        for (Pending p : group) {
            p.done.complete(!repeated.contains(p));
        }
    }

    /** One transaction for the group; returns the requests whose key was already taken (nothing of theirs stored). */
    private Set<Pending> transaction(List<Pending> group) throws SQLException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                Set<Pending> repeated = claimKeys(c, group);
                List<Notification> rows = new ArrayList<>();
                for (Pending p : group) {
                    if (!repeated.contains(p)) {
                        rows.addAll(p.request.rows());
                    }
                }
                for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
                    insertRows(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
                }
                c.commit();
                return repeated;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Inserts the group's idempotency keys with their answers; a key that is already there (or earlier in the
     * group) is left alone and its request counts as repeated. A key a concurrent transaction holds waits for it.
     */
    private Set<Pending> claimKeys(Connection c, List<Pending> group) throws SQLException {
        List<Pending> keyed = group.stream().filter(p -> p.request.requestId() != null).toList();
        Set<Pending> repeated = new HashSet<>();
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
            for (Pending p : keyed) {
                insert.setString(i++, p.request.requestId());
                insert.setString(i++, toJson(p.request.answer()));
                insert.setObject(i++, p.request.at());
            }
            try (ResultSet inserted = insert.executeQuery()) {
                while (inserted.next()) {
                    claimed.add(inserted.getString(1));
                }
            }
        }
        for (Pending p : keyed) {
            // The first request of the group with a key gets it; any later one with the same key is repeated.
            if (!claimed.remove(p.request.requestId())) {
                repeated.add(p);
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
                        n.createdAt, n.updatedAt};
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

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the request, not the database. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the transaction died with it
        }
    }
}
