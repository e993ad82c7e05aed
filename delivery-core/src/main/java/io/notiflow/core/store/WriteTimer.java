package io.notiflow.core.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times one database writer's writes (a group commit, a batch of marks, an outbox pass).
 * <p>
 * While a write runs: when each writer thread began the write it is inside now. A write the database refuses fails
 * within seconds (the pool's acquisition timeout), so a write that has run for minutes (waiting on a lock nobody
 * releases, on a connection whose peer vanished, or parked for good inside the JVM) is a writer stuck for good, which
 * the writers' liveness check reports.
 * <p>
 * Once a write is over: its duration goes to the timer {@value #WRITES} and the number of items it wrote (rows of a
 * group, marks of a batch, jobs of an outbox pass) to the summary {@value #ITEMS}, both tagged {@code writer}. From
 * them an operator reads how busy the writer is (the timer's seconds per second: near 1, a writer thread with no
 * time to spare) and how many items each commit carries.
 */
public final class WriteTimer {

    /** Timer of the writes, by {@code writer}. */
    public static final String WRITES = "notiflow.db.writes";
    /** Items per write, by {@code writer}. */
    public static final String ITEMS = "notiflow.db.write.items";

    private final String writer;
    private final Map<Thread, Long> writing = new ConcurrentHashMap<>();
    private final Timer writes;
    private final DistributionSummary items;

    /** A writer's timer, published in Micrometer's global registry (which Quarkus' registries are part of). */
    public WriteTimer(String writer) {
        this(writer, Metrics.globalRegistry);
    }

    public WriteTimer(String writer, MeterRegistry registry) {
        this.writer = writer;
        this.writes = Timer.builder(WRITES)
                .description("Database writes of one writer thread (group commits, batches, outbox passes)")
                .tag("writer", writer)
                .register(registry);
        this.items = DistributionSummary.builder(ITEMS)
                .description("Items (rows, marks, jobs) one database write carried")
                .tag("writer", writer)
                .register(registry);
    }

    /** The writer's name, as its threads, log lines, liveness data and metrics carry it. */
    public String writer() {
        return writer;
    }

    /** The calling thread starts a write. */
    public void begin() {
        writing.put(Thread.currentThread(), System.nanoTime());
    }

    /** The calling thread's write of {@code count} items is over, whatever its outcome. */
    public void end(int count) {
        Long started = writing.remove(Thread.currentThread());
        if (started != null) {
            writes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            items.record(count);
        }
    }

    /** How long the longest write in progress has run; zero when no thread is writing. */
    public Duration longest() {
        long now = System.nanoTime();
        long longest = 0;
        for (long started : writing.values()) {
            longest = Math.max(longest, now - started);
        }
        return Duration.ofNanos(longest);
    }
}
