package io.notiflow.core.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BatcherTest {

    private final List<List<Integer>> written = new CopyOnWriteArrayList<>();
    private Batcher<Integer> batcher;

    @AfterEach
    void stop() {
        if (batcher != null) {
            batcher.stop();
        }
    }

    private void start(int batchSize, Duration window) {
        batcher = new Batcher<>("test-batcher", 1000, batchSize, window, batch -> written.add(List.copyOf(batch)));
        batcher.start();
    }

    @Test
    void itemsArrivingWithinTheWindowOfTheFirstAreOneBatch() throws Exception {
        start(100, Duration.ofMillis(400));
        batcher.offer(1);
        Thread.sleep(50); // the writer took 1 and is waiting out its window
        batcher.offer(2);
        Thread.sleep(50);
        batcher.offer(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> !written.isEmpty());
        assertThat(written).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void anItemAfterTheWindowStartsTheNextBatch() throws Exception {
        start(100, Duration.ofMillis(50));
        batcher.offer(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
        batcher.offer(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
        assertThat(written).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingOutTheWindow() {
        start(3, Duration.ofSeconds(30));
        for (int i = 1; i <= 7; i++) {
            batcher.offer(i);
        }
        // Two full batches go at once; the seventh item waits for its window (or stop()).
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
        assertThat(written).containsExactly(List.of(1, 2, 3), List.of(4, 5, 6));
    }

    @Test
    void longestWriteMeasuresTheWriteInProgressAndIsZeroWhenNoneIs() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        batcher = new Batcher<>("test-batcher", 1000, 100, Duration.ZERO, batch -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(List.copyOf(batch));
        });
        batcher.start();
        assertThat(batcher.longestWrite()).isZero();

        batcher.offer(1);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(batcher.longestWrite()).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> batcher.longestWrite().isZero());
    }

    @Test
    void stopWritesWhatIsStillQueued() {
        start(100, Duration.ofSeconds(30));
        batcher.offer(1);
        batcher.offer(2);
        batcher.stop();
        batcher = null;
        List<Integer> all = new ArrayList<>();
        written.forEach(all::addAll);
        assertThat(all).containsExactly(1, 2);
    }
}
