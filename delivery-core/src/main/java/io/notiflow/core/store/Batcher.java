package io.notiflow.core.store;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A background writer: any thread queues items, one thread hands them to {@code write} in batches, so a burst
 * costs one transaction per batch instead of one commit per item, and the caller never waits for the database.
 * A batch is what arrives within {@code window} of its first item (at most {@code batchSize}): without the window
 * a steady stream is written almost one item per commit, since each write is quicker than the gap to the next item.
 * A failing write keeps its batch and is retried every second; the queue is bounded ({@code capacity}), and an
 * item offered to a full queue is refused.
 */
final class Batcher<T> {

    private static final Logger LOG = Logger.getLogger(Batcher.class);
    private static final long RETRY_MS = 1000;

    private final String name;
    private final int batchSize;
    private final long windowNanos;
    private final Consumer<List<T>> write;
    private final BlockingQueue<T> pending;
    private final WriteTimer writing;
    private volatile boolean running;
    private Thread writer;

    Batcher(String name, int capacity, int batchSize, Duration window, Consumer<List<T>> write) {
        this.name = name;
        this.writing = new WriteTimer(name);
        this.batchSize = batchSize;
        this.windowNanos = window.toNanos();
        this.write = write;
        this.pending = new LinkedBlockingQueue<>(capacity);
    }

    void start() {
        running = true;
        writer = new Thread(this::writeLoop, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Stops the writer (it finishes the batch in hand) and writes what is still queued, once. */
    void stop() {
        running = false;
        if (writer != null) {
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<T> rest = new ArrayList<>();
        pending.drainTo(rest);
        try {
            for (int from = 0; from < rest.size(); from += batchSize) {
                write.accept(rest.subList(from, Math.min(rest.size(), from + batchSize)));
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: %d item(s) not written at shutdown: %s", name, rest.size(), e.getMessage());
        }
    }

    String name() {
        return name;
    }

    /** How long the writer has been inside the write of its batch in hand; zero when it is not writing. */
    Duration longestWrite() {
        return writing.longest();
    }

    /** Queues an item; false when the queue is full. */
    boolean offer(T item) {
        return pending.offer(item);
    }

    private void writeLoop() {
        List<T> batch = new ArrayList<>(batchSize);
        while (running) {
            try {
                if (batch.isEmpty()) {
                    T first = pending.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    Gathering.fill(pending, batch, batchSize, System.nanoTime() + windowNanos, () -> running);
                }
                writing.begin();
                try {
                    write.accept(batch);
                } finally {
                    writing.end(batch.size());
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) { // an Error must not end the only writer either
                LOG.warnf("%s: could not write %d item(s) (%s); retrying", name, batch.size(), e.toString());
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
