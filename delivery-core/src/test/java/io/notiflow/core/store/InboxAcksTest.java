package io.notiflow.core.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Batches of the clients' acks, against the real database. */
class InboxAcksTest {

    private static final String DATABASE = "notiflow_core_inbox_acks";
    private static PGSimpleDataSource database;

    private final InboxAcks acks = new InboxAcks(database);

    @BeforeAll
    static void migrate() {
        database = StoreDatabase.migrated(DATABASE);
    }

    @AfterEach
    void stop() {
        acks.stop();
    }

    @Test
    void oneBatchOfAcksMovesEachOwnersRowToDelivered() throws SQLException {
        String ada = user("ada");
        String bea = user("bea");
        UUID adas = store(ada);
        UUID beas = store(bea);
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        acks.write(List.of(ack(ada, adas, unknown), ack(bea, beas, unknown)));

        assertThat(status(adas)).isEqualTo("delivered");
        assertThat(status(beas)).isEqualTo("delivered");
        Instant[] t = times(adas);
        assertThat(t[0]).as("an ack that overtook hop 1 still says when it was sent").isNotNull().isEqualTo(t[1]);
        assertThat(unknown).isEmpty();
    }

    @Test
    void anAckOfAnotherUsersRowChangesNothingAndIsReportedAfterTheBatch() throws SQLException {
        String ada = user("ada");
        String eve = user("eve");
        UUID row = store(ada);
        UUID missing = UUID.randomUUID();
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        acks.write(List.of(ack(eve, row, unknown), ack(eve, missing, unknown)));

        assertThat(status(row)).isEqualTo("queued");
        assertThat(unknown).containsExactlyInAnyOrder(row, missing);
    }

    @Test
    void anAckOfARowThatIsFurtherAlongIsFineAndChangesNothing() throws SQLException {
        String ada = user("ada");
        UUID row = store(ada);
        List<UUID> unknown = new CopyOnWriteArrayList<>();

        acks.write(List.of(ack(ada, row, unknown)));
        Instant delivered = times(row)[1];
        acks.write(List.of(ack(ada, row, unknown)));

        assertThat(status(row)).isEqualTo("delivered");
        assertThat(times(row)[1]).isEqualTo(delivered);
        assertThat(unknown).isEmpty();
    }

    @Test
    void aQueuedAckIsWrittenByTheWriterAndAnUnknownOneReportedFromIt() throws SQLException {
        String ada = user("ada");
        UUID row = store(ada);
        UUID missing = UUID.randomUUID();
        List<UUID> unknown = new CopyOnWriteArrayList<>();
        acks.start();

        acks.offer(ada, row, () -> unknown.add(row));
        acks.offer(ada, missing, () -> unknown.add(missing));

        await().atMost(Duration.ofSeconds(10)).until(() -> unknown.contains(missing));
        assertThat(status(row)).isEqualTo("delivered");
        assertThat(unknown).containsExactly(missing);
    }

    private static InboxAcks.Ack ack(String user, UUID id, List<UUID> unknown) {
        return new InboxAcks.Ack(user, id, () -> unknown.add(id));
    }

    /** A user id no other test uses. */
    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An in-app row for a user as api-service stores it (status queued). */
    private static UUID store(String user) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = database.getConnection(); PreparedStatement insert = c.prepareStatement(
                "insert into notifications (id, type, target_kind, receiver, title, message, status, correlation_id)"
                        + " values (?, 'inapp', 'user', ?, 't', 'm', 'queued', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, user);
            insert.setString(3, "test-" + id);
            insert.executeUpdate();
        }
        return id;
    }

    private static String status(UUID id) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement query = c.prepareStatement("select status from notifications where id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    /** sent_at, delivered_at, read_at of a row. */
    private static Instant[] times(UUID id) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement query = c.prepareStatement(
                "select sent_at, delivered_at, read_at from notifications where id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                Instant[] times = new Instant[3];
                for (int i = 0; i < 3; i++) {
                    Timestamp value = row.getTimestamp(i + 1);
                    times[i] = value == null ? null : value.toInstant();
                }
                return times;
            }
        }
    }
}
