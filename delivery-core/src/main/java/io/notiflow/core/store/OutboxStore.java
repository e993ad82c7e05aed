package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.rabbit.JobPublisher;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The outbox side of the store: committed rows the broker has not confirmed yet ({@code published_at IS NULL}).
 * {@link #relay} locks a batch of them, hands it to the publisher and stamps what the broker confirmed, all in one
 * transaction, so a row is stamped only once confirmed and two api-service instances never hold the same row.
 */
@ApplicationScoped
public class OutboxStore {

    /**
     * The oldest unpublished rows, locked (SKIP LOCKED: rows another instance holds are passed over). The partial
     * index on created_at where published_at is null is already in the order wanted, so a batch costs the same
     * whatever the backlog.
     */
    private static final String LOCK_UNPUBLISHED = """
            select id, type, receiver, subject, title, message, html, data, correlation_id, created_at, trace_parent,
                   target_kind
            from notifications
            where published_at is null
            order by created_at
            limit ?
            for update skip locked""";
    private static final String STAMP = "update notifications set published_at = clock_timestamp() where id = any(?)";

    private final DataSource database;
    private final JobCodec codec;

    public OutboxStore(DataSource database, JobCodec codec) {
        this.database = database;
        this.codec = codec;
    }

    /**
     * Locks up to {@code batch} unpublished rows, oldest first, gives them to {@code publish}, stamps the ids it
     * returns (what the broker confirmed) as published, and commits. Returns how many rows were locked. Throws
     * {@link IllegalStateException} when the database cannot be reached; whatever {@code publish} throws rolls the
     * transaction back and is rethrown (nothing is stamped).
     */
    public int relay(int batch, Function<List<JobPublisher.Fresh>, List<UUID>> publish) {
        try (Connection c = database.getConnection()) {
            return Transactions.inTransaction(c, tx -> {
                List<JobPublisher.Fresh> fresh = lockUnpublished(tx, batch);
                List<UUID> confirmed = publish.apply(fresh);
                if (!confirmed.isEmpty()) {
                    try (PreparedStatement stamp = tx.prepareStatement(STAMP)) {
                        stamp.setArray(1, tx.createArrayOf("uuid", confirmed.toArray()));
                        stamp.executeUpdate();
                    }
                }
                return fresh.size();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("outbox database unavailable: " + e.getMessage(), e);
        }
    }

    private List<JobPublisher.Fresh> lockUnpublished(Connection c, int batch) throws SQLException {
        // With statistics that predate a burst (autovacuum off, or not yet round), the planner believes the outbox
        // holds a few rows and instead collects and sorts all of it for every batch: 40 ms per batch of 200 with
        // 48,000 rows waiting, which made the relay the bottleneck. So this transaction (the batch and its stamp by
        // key) is planned on the indexes whatever the statistics say (Transactions.inTransaction).
        List<JobPublisher.Fresh> fresh = new ArrayList<>();
        try (PreparedStatement query = c.prepareStatement(LOCK_UNPUBLISHED)) {
            query.setInt(1, batch);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String type = rows.getString("type");
                    OffsetDateTime created = rows.getObject("created_at", OffsetDateTime.class);
                    DeliveryJob job = new DeliveryJob(rows.getObject("id", UUID.class),
                            Channel.fromKey(type).orElseThrow(
                                    () -> new IllegalStateException("unknown type '" + type + "' in notifications")),
                            rows.getString("receiver"), rows.getString("subject"), rows.getString("title"),
                            rows.getString("message"), rows.getString("html"), codec.decodeData(rows.getString("data")),
                            rows.getString("correlation_id"), created == null ? null : created.toInstant(),
                            TargetKind.fromKey(rows.getString("target_kind")).orElse(null));
                    fresh.add(new JobPublisher.Fresh(job, rows.getString("trace_parent")));
                }
            }
        }
        return fresh;
    }
}
