package io.notiflow.core.store;

import io.notiflow.core.store.DeliveryStore.Attempt;
import io.notiflow.core.store.DeliveryStore.Claim;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Claims and verdicts of the delivery store, alone and grouped, against the real database. */
class DeliveryStoreTest {

    private static final String DATABASE = "notiflow_core_delivery_store";
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static PGSimpleDataSource database;

    /** A 50 ms gathering window, so writes submitted together share one group (one commit). */
    private final DeliveryStore store = new DeliveryStore(database, Duration.ofMillis(50));

    @BeforeAll
    static void migrate() {
        database = StoreDatabase.migrated(DATABASE);
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    @Test
    void aSentVerdictWritesStatusAndAttemptTogetherAndOnlyOnce() throws SQLException {
        UUID id = row("queued");

        assertThat(store.claim(id, LEASE)).isEqualTo(new Claim(Optional.of(NotificationStatus.QUEUED), true));
        assertThat(store.markSent(attempt(id, 1, AttemptOutcome.SENT), "provider-1")).isTrue();
        assertThat(store.markSent(attempt(id, 1, AttemptOutcome.SENT), "provider-2"))
                .as("the claim is released: the same verdict again writes nothing").isFalse();

        assertThat(column(id, "status")).isEqualTo("sent");
        assertThat(column(id, "provider_message_id")).isEqualTo("provider-1");
        assertThat(attempts(id)).isEqualTo(1);
        assertThat(claims(id)).isZero();
    }

    @Test
    void aSettledRowCannotBeClaimedAndAHeldOneOnlyAfterItsLease() throws SQLException {
        UUID settled = row("sent");
        assertThat(store.claim(settled, LEASE)).isEqualTo(new Claim(Optional.of(NotificationStatus.SENT), false));
        assertThat(store.claim(UUID.randomUUID(), LEASE)).isEqualTo(new Claim(Optional.empty(), false));

        UUID held = row("queued");
        assertThat(store.claim(held, LEASE).claimed()).isTrue();
        assertThat(store.claim(held, LEASE).claimed()).as("another delivery holds it").isFalse();
        assertThat(store.claim(held, Duration.ZERO).claimed()).as("a claim older than the lease is taken over")
                .isTrue();

        // The attempt made under a taken-over claim says so (the worker before may have sent it: possible duplicate).
        assertThat(store.markSent(attempt(held, 1, AttemptOutcome.SENT), "p-held")).isTrue();
        UUID fresh = row("queued");
        assertThat(store.claim(fresh, LEASE).claimed()).isTrue();
        assertThat(store.markSent(attempt(fresh, 1, AttemptOutcome.SENT), "p-fresh")).isTrue();
        assertThat(attemptColumn(held, "took_over_claim")).isEqualTo("t");
        assertThat(attemptColumn(fresh, "took_over_claim")).isEqualTo("f");
    }

    @Test
    void twoCopiesOfOneJobInOneGroupGiveTheClaimToOneOfThem() throws Exception {
        UUID id = row("queued");

        List<Claim> claims = together(2, i -> store.claim(id, LEASE));

        assertThat(claims).filteredOn(Claim::claimed).hasSize(1);
        assertThat(claims).extracting(Claim::status).containsOnly(Optional.of(NotificationStatus.QUEUED));
    }

    @Test
    void aRowToASuppressedAddressIsSkippedAtItsClaimWithTheSuppressionAsItsReason() throws Exception {
        String address = "grace-" + UUID.randomUUID() + "@example.com";
        execute("insert into suppressions (channel, address, reason, source) values ('email', '" + address
                + "', '550 5.1.1 user unknown', 'bounce')");
        UUID suppressed = row("email", address.toUpperCase(java.util.Locale.ROOT), "retrying");
        UUID other = row("email", "other-" + address, "queued");
        UUID sameAddressOtherChannel = row("sms", address, "queued");
        UUID settled = row("email", address, "sent");

        List<Claim> claims = together(4, i -> store.claim(List.of(suppressed, other, sameAddressOtherChannel,
                settled).get(i), LEASE));

        assertThat(claims.get(0)).isEqualTo(new Claim(Optional.of(NotificationStatus.SKIPPED), false, true));
        assertThat(claims.get(1)).isEqualTo(new Claim(Optional.of(NotificationStatus.QUEUED), true, false));
        assertThat(claims.get(2)).isEqualTo(new Claim(Optional.of(NotificationStatus.QUEUED), true, false));
        assertThat(claims.get(3)).isEqualTo(new Claim(Optional.of(NotificationStatus.SENT), false, false));
        assertThat(column(suppressed, "skip_reason")).matches(java.util.regex.Pattern.quote(address)
                + " is suppressed since \\d{4}-\\d{2}-\\d{2} \\(bounce: 550 5\\.1\\.1 user unknown\\)");
        assertThat(claims(suppressed)).as("no claim taken").isZero();
        assertThat(count("select count(*) from notification_events where notification_id = ? and kind = 'suppressed'"
                + " and details->>'source' = 'bounce'", suppressed)).isEqualTo(1);
        assertThat(store.claim(suppressed, LEASE)).as("claimed again: settled, not suppressed again")
                .isEqualTo(new Claim(Optional.of(NotificationStatus.SKIPPED), false, false));
        assertThat(count("select count(*) from notification_events where notification_id = ?", suppressed))
                .isEqualTo(1);
        assertThat(column(settled, "status")).isEqualTo("sent");
    }

    @Test
    void aGroupOfMixedVerdictsWritesEachRowItsOwnStatus() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(row("queued"));
        }
        assertThat(together(ids.size(), i -> store.claim(ids.get(i), LEASE))).allMatch(Claim::claimed);

        List<Boolean> written = together(ids.size(), i -> switch (i % 3) {
            case 0 -> store.markSent(attempt(ids.get(i), 1, AttemptOutcome.SENT), "p-" + i);
            case 1 -> store.scheduleRetry(attempt(ids.get(i), 1, AttemptOutcome.TRANSIENT), 1, 3,
                    Duration.ofSeconds(5));
            default -> store.deadLetter(attempt(ids.get(i), 1, AttemptOutcome.PERMANENT));
        });

        assertThat(written).containsOnly(true);
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            assertThat(column(id, "status")).isEqualTo(switch (i % 3) {
                case 0 -> "sent";
                case 1 -> "retrying";
                default -> "failed";
            });
            assertThat(attempts(id)).isEqualTo(1);
            assertThat(claims(id)).isZero();
        }
        assertThat(column(ids.get(1), "retries")).isEqualTo("1");
        assertThat(column(ids.get(2), "last_error")).isEqualTo("SomeError: went wrong");
    }

    @Test
    void eachAttemptRowKeepsItsVerdictTheClaimItReleasedAndWhenTheRetryIsDue() throws SQLException {
        UUID id = row("queued");
        assertThat(store.claim(id, LEASE).claimed()).isTrue();
        Attempt failed = new Attempt(id, 1, AttemptOutcome.TRANSIENT, "smtp-421", "try later", 7, "email-worker@h/1");

        assertThat(store.scheduleRetry(failed, 1, 3, Duration.ofSeconds(45))).isTrue();
        assertThat(store.claim(id, LEASE).claimed()).isTrue();
        assertThat(store.defer(new Attempt(id, 1, AttemptOutcome.DEFERRED, "circuit-open", "open", 0, "w2"),
                Duration.ofSeconds(15))).isTrue();
        assertThat(store.claim(id, LEASE).claimed()).isTrue();
        assertThat(store.markSent(attempt(id, 2, AttemptOutcome.SENT), "p-1")).isTrue();

        List<String> rows = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement query = c.prepareStatement("""
                select verdict, worker, max_retries, claimed_at <= attempted_at,
                       round(extract(epoch from retry_at - attempted_at))
                from delivery_attempts where notification_id = ? order by id""")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1) + " " + row.getString(2) + " " + row.getString(3) + " "
                            + row.getString(4) + " " + row.getString(5));
                }
            }
        }
        assertThat(rows).containsExactly("retry email-worker@h/1 3 t 45", "deferred w2 null t 15",
                "sent null null t null");
    }

    @Test
    void aHandOnNeverMovesARowBackFromWhereAnAckTookIt() throws SQLException {
        UUID id = row("queued");
        assertThat(store.claim(id, LEASE).claimed()).isTrue();
        try (Connection c = database.getConnection();
             PreparedStatement ack = c.prepareStatement("update notifications set status = 'delivered' where id = ?")) {
            ack.setObject(1, id);
            ack.executeUpdate();
        }

        assertThat(store.markHandedOn(attempt(id, 1, AttemptOutcome.SENT))).isTrue();

        assertThat(column(id, "status")).isEqualTo("delivered");
        assertThat(attempts(id)).isEqualTo(1);
    }

    @Test
    void anErrorTextIsStoredWithoutNulAndCutToItsColumn() throws SQLException {
        UUID id = row("queued");
        assertThat(store.claim(id, LEASE).claimed()).isTrue();
        String text = "a\u0000b" + "x".repeat(3000);

        assertThat(store.deadLetter(new Attempt(id, 1, AttemptOutcome.PERMANENT, "Bad", text, 5))).isTrue();

        String stored = column(id, "last_error");
        assertThat(stored).startsWith("Bad: a b").hasSize(2000).doesNotContain("\u0000");
    }

    private static Attempt attempt(UUID id, int number, AttemptOutcome outcome) {
        return outcome == AttemptOutcome.SENT ? new Attempt(id, number, outcome, null, null, 3)
                : new Attempt(id, number, outcome, "SomeError", "went wrong", 3);
    }

    private interface Call<T> {
        T call(int index) throws Exception;
    }

    /** Runs {@code n} calls at the same moment (so the store gathers them into one group); their results in order. */
    private static <T> List<T> together(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.call(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static UUID row(String status) throws SQLException {
        return row("email", "ada@example.com", status);
    }

    private static UUID row(String type, String receiver, String status) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = database.getConnection(); PreparedStatement insert = c.prepareStatement(
                "insert into notifications (id, type, receiver, subject, message, status, correlation_id)"
                        + " values (?, ?, ?, 's', 'm', ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, type);
            insert.setString(3, receiver);
            insert.setString(4, status);
            insert.setString(5, "test-" + id);
            insert.executeUpdate();
        }
        return id;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private static String column(UUID id, String column) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement query = c.prepareStatement("select " + column + " from notifications where id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static String attemptColumn(UUID id, String column) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement query = c.prepareStatement(
                "select " + column + " from delivery_attempts where notification_id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static int attempts(UUID id) throws SQLException {
        return count("select count(*) from delivery_attempts where notification_id = ?", id);
    }

    private static int claims(UUID id) throws SQLException {
        return count("select count(*) from delivery_claims where notification_id = ?", id);
    }

    private static int count(String sql, UUID id) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
