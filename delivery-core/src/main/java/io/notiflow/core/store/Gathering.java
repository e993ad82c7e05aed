package io.notiflow.core.store;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How a batch writer fills a batch: with whatever is queued, then with what arrives until the batch is full or its
 * window is over. Without a window, a steady stream of writes, each quicker than the gap to the next, is written
 * one item per commit; a few milliseconds of gathering make it a few items per commit.
 */
public final class Gathering {

    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Gathering() {
    }

    /**
     * Moves items from {@code queue} into {@code batch} until it holds {@code max}, {@link System#nanoTime()} passes
     * {@code deadline}, or {@code keepGoing} turns false (checked at least every 100 ms, so a stopping writer does not
     * wait out a long window).
     */
    public static <T> void fill(BlockingQueue<T> queue, List<T> batch, int max, long deadline,
                                BooleanSupplier keepGoing) throws InterruptedException {
        queue.drainTo(batch, max - batch.size());
        while (batch.size() < max && keepGoing.getAsBoolean()) {
            long left = Math.min(deadline - System.nanoTime(), CHECK_NANOS);
            if (left <= 0) {
                return;
            }
            T next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
                queue.drainTo(batch, max - batch.size());
            }
        }
    }
}
