package io.notiflow.core.store;

import io.notiflow.core.testing.LocalServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The gathering window of {@link GroupCommit}, on the real PostgreSQL: idle writers commit at once, busy ones gather. */
class GroupCommitWindowTest {

    private static final String DATABASE = "notiflow_core_window";

    private final List<List<Integer>> groups = new CopyOnWriteArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private GroupCommit<Integer, Integer> commits;

    @BeforeAll
    static void database() {
        LocalServices.recreateDatabase(DATABASE);
    }

    @AfterEach
    void stop() throws InterruptedException {
        commits.stop();
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(LocalServices.jdbcUrl(DATABASE));
        database.setUser(LocalServices.PG_USER);
        database.setPassword("postgres");
        return database;
    }

    private void start(Duration window) {
        commits = new GroupCommit<>("window-test", dataSource(), 1, 64, 30, window, (c, items) -> {
            try (var s = c.createStatement()) {
                s.execute("select 1"); // a real round trip inside the transaction
            }
            groups.add(List.copyOf(items));
            return items;
        });
    }

    private Future<Integer> submitLater(int item) {
        return callers.submit(() -> commits.submit(item));
    }

    @Test
    void anIdleWriterCommitsALoneWriteWithoutWaitingOutTheWindow() throws Exception {
        start(Duration.ofSeconds(60));
        Future<Integer> lone = submitLater(1);
        // The window is a minute and a caller waits 30 s at most: only a commit that did not wait answers in time.
        await().atMost(Duration.ofSeconds(10)).until(lone::isDone);
        assertThat(lone.get()).isEqualTo(1);
        assertThat(groups).containsExactly(List.of(1));
    }

    @Test
    void aBusyWriterGathersTheWritesArrivingWithinTheWindowIntoOneGroup() throws Exception {
        start(Duration.ofSeconds(3));
        assertThat(commits.submit(1)).isEqualTo(1); // idle: alone, at once
        // Right after that commit the writer counts as busy: the next group gathers for up to 3 s.
        List<Future<Integer>> next = new ArrayList<>();
        for (int item = 2; item <= 5; item++) {
            next.add(submitLater(item));
            Thread.sleep(100);
        }
        for (Future<Integer> f : next) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isBetween(2, 5);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly(1);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(2, 3, 4, 5);
    }

    @Test
    void stoppingAWriterWhileItGathersStillWritesWhatItHasTaken() throws Exception {
        start(Duration.ofSeconds(20));
        assertThat(commits.submit(1)).isEqualTo(1);
        Future<Integer> gathered = submitLater(2); // the busy writer takes it and gathers for 20 s
        Thread.sleep(300);
        commits.stop();
        // A caller waits 30 s at most; the group must be written at the stop, not dropped.
        assertThat(gathered.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(groups).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void withoutAWindowEachWriteThatFindsTheWriterFreeIsItsOwnGroup() throws SQLException {
        start(Duration.ZERO);
        for (int item = 1; item <= 3; item++) {
            assertThat(commits.submit(item)).isEqualTo(item);
        }
        assertThat(groups).containsExactly(List.of(1), List.of(2), List.of(3));
    }

    @Test
    void aWriterThatThrowsAnErrorFailsThatGroupAndKeepsServingTheNextOnes() throws Exception {
        // An Error (a class that fails to load, say) is not an Exception: a writer thread that let it through died,
        // and every later caller waited out its timeout with nobody left to commit.
        commits = new GroupCommit<>("error-test", dataSource(), 1, 64, 5, Duration.ZERO, (c, items) -> {
            if (items.contains(-1)) {
                throw new NoClassDefFoundError("simulated: a class the writer needed failed to load");
            }
            groups.add(List.copyOf(items));
            return items;
        });
        assertThatThrownBy(() -> commits.submit(-1))
                .isInstanceOf(IllegalStateException.class)
                .hasRootCauseInstanceOf(NoClassDefFoundError.class);
        assertThat(commits.submit(2)).isEqualTo(2);
        assertThat(groups).containsExactly(List.of(2));
    }

    @Test
    void longestWriteMeasuresTheWriteInProgressAndIsZeroWhenNoneIs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // A writer that hangs inside its write, as a thread stuck for good would, until the test lets it go.
        commits = new GroupCommit<>("stuck-test", dataSource(), 1, 64, 30, Duration.ZERO, (c, items) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return items;
        });
        assertThat(commits.longestWrite()).isZero();
        Future<Integer> waiting = submitLater(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.longestWrite().toMillis() >= 500);
        assertThat(waiting).isNotDone();
        release.countDown();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> commits.longestWrite().isZero());
    }
}
