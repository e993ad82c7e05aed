package io.notiflow.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.notiflow.core.job.Channel;
import io.notiflow.core.store.AcceptStore.HeldKey;
import io.notiflow.core.store.AcceptStore.KeyClaim;
import io.notiflow.core.store.AcceptStore.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Accepted requests and their idempotency keys in the accept store, against the real database. */
class AcceptStoreTest {

    private static final String DATABASE = "notiflow_core_accept_store";
    private static PGSimpleDataSource database;

    private AcceptStore store;

    @BeforeAll
    static void migrate() {
        database = StoreDatabase.migrated(DATABASE);
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.stop(null);
        }
    }

    @Test
    void aRequestWithoutKeyStoresAllItsRows() throws SQLException {
        store = new AcceptStore(database, new ObjectMapper(), Duration.ofHours(24), 1);
        String request = UUID.randomUUID().toString();

        assertThat(store.accept(new Request(List.of(row(request), row(request), row(request)), null, now())))
                .isEmpty();

        assertThat(rows(request)).isEqualTo(3);
    }

    @Test
    void aLiveKeyGetsTheFirstAnswerAndStoresNothing() throws SQLException {
        store = new AcceptStore(database, new ObjectMapper(), Duration.ofHours(24), 1);
        String key = UUID.randomUUID().toString();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        assertThat(store.accept(new Request(List.of(row(first)), claim(key, "hash-1", "{\"n\":1}"), now())))
                .isEmpty();
        Optional<HeldKey> repeat = store.accept(new Request(List.of(row(second)), claim(key, "hash-2", "{\"n\":2}"),
                now()));

        assertThat(repeat).contains(new HeldKey("hash-1", "{\"n\": 1}"));
        assertThat(rows(first)).isEqualTo(1);
        assertThat(rows(second)).isZero();
    }

    @Test
    void anExpiredKeyIsTakenOver() throws SQLException {
        store = new AcceptStore(database, new ObjectMapper(), Duration.ZERO, 1);
        String key = UUID.randomUUID().toString();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        store.accept(new Request(List.of(row(first)), claim(key, "hash-1", "{\"n\":1}"), now()));
        assertThat(store.accept(new Request(List.of(row(second)), claim(key, "hash-2", "{\"n\":2}"), now())))
                .isEmpty();

        assertThat(rows(first)).isEqualTo(1);
        assertThat(rows(second)).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyStoreOneSetOfRows() throws Exception {
        store = new AcceptStore(database, new ObjectMapper(), Duration.ofHours(24), 2);
        String key = UUID.randomUUID().toString();
        int n = 8;
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(UUID.randomUUID().toString());
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Optional<HeldKey>> outcomes = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<HeldKey>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String request = requests.get(i);
                String hash = "hash-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return store.accept(new Request(List.of(row(request)), claim(key, hash, "{}"), now()));
                }));
            }
            start.countDown();
            for (Future<Optional<HeldKey>> f : futures) {
                outcomes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(outcomes).filteredOn(Optional::isEmpty).as("one request claims the key").hasSize(1);
        int winner = outcomes.indexOf(Optional.empty());
        assertThat(outcomes).filteredOn(Optional::isPresent).extracting(o -> o.get().requestSha256())
                .as("every other one gets the winner's request hash").containsOnly("hash-" + winner);
        for (int i = 0; i < n; i++) {
            assertThat(rows(requests.get(i))).isEqualTo(i == winner ? 1 : 0);
        }
    }

    private static KeyClaim claim(String key, String requestHash, String answer) {
        return new KeyClaim("api-key-hash", key, requestHash, answer);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** A queued e-mail row, tagged with its request in {@code request_id}. */
    private static Notification row(String request) {
        Notification n = new Notification();
        n.id = UUID.randomUUID();
        n.type = Channel.EMAIL;
        n.receiver = "ada@example.com";
        n.subject = "s";
        n.message = "m";
        n.data = Map.of("k", "v");
        n.status = NotificationStatus.QUEUED;
        n.requestId = request;
        n.correlationId = "test-" + n.id;
        n.createdAt = now();
        n.updatedAt = n.createdAt;
        return n;
    }

    private static int rows(String request) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement query = c.prepareStatement("select count(*) from notifications where request_id = ?")) {
            query.setString(1, request);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
