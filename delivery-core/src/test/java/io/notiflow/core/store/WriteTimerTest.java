package io.notiflow.core.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WriteTimerTest {

    @Test
    void recordsEachFinishedWriteAndTheItemsItCarried() throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WriteTimer timer = new WriteTimer("test-writer", registry);

        timer.begin();
        Thread.sleep(30);
        assertThat(timer.longest()).isGreaterThanOrEqualTo(Duration.ofMillis(30));
        timer.end(7);
        timer.begin();
        timer.end(3);
        timer.end(100); // no write in progress on this thread: nothing to record

        Timer writes = registry.get(WriteTimer.WRITES).tag("writer", "test-writer").timer();
        DistributionSummary items = registry.get(WriteTimer.ITEMS).tag("writer", "test-writer").summary();
        assertThat(writes.count()).isEqualTo(2);
        assertThat(writes.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
        assertThat(items.count()).isEqualTo(2);
        assertThat(items.totalAmount()).isEqualTo(10);
        assertThat(timer.longest()).isZero();
        assertThat(timer.writer()).isEqualTo("test-writer");
    }
}
