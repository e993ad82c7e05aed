package io.notiflow.core.db;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each writer thread began the write it is inside now. A write the database refuses fails within seconds (the
 * pool's acquisition timeout), so a write that has run for minutes (waiting on a lock nobody releases, on a
 * connection whose peer vanished, or parked for good inside the JVM) is a writer stuck for good, which the
 * writers' liveness check reports.
 */
public final class WriteTimer {

    private final Map<Thread, Long> writing = new ConcurrentHashMap<>();

    /** The calling thread starts a write. */
    public void begin() {
        writing.put(Thread.currentThread(), System.nanoTime());
    }

    /** The calling thread's write is over, whatever its outcome. */
    public void end() {
        writing.remove(Thread.currentThread());
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
