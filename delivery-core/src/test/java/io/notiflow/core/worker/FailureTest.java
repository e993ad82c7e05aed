package io.notiflow.core.worker;

import io.notiflow.core.worker.DeliveryProcessor.Failure;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor's decision for a failed send: which ladder step, or the DLQ with which failure kind. */
class FailureTest {

    private static final RetryPolicy LADDER = RetryPolicy.parse("5s,15s,45s");

    @Test
    void aTransientFailureWaitsOnTheLadderUntilItIsUsedUp() {
        Failure failure = Failure.of(new TransientDeliveryException("smtp-421", "try later", null));
        assertThat(failure.permanent()).isFalse();
        assertThat(failure.errorClass()).isEqualTo("smtp-421");
        assertThat(failure.retryStep(LADDER, 1)).contains(1);
        assertThat(failure.retryStep(LADDER, 3)).contains(3);
        assertThat(failure.retryStep(LADDER, 4)).isEmpty();
        assertThat(failure.kind()).isEqualTo("retries-exhausted");
    }

    @Test
    void theProvidersRetryAfterChoosesALongerStep() {
        Failure failure = Failure.of(new TransientDeliveryException("twilio-429", "slow down", null,
                Duration.ofSeconds(30)));
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(failure.retryStep(LADDER, 1)).contains(3);
    }

    @Test
    void aPermanentFailureGoesStraightToTheDeadLetterQueue() {
        Failure failure = Failure.of(new PermanentDeliveryException("smtp-550", "user unknown"));
        assertThat(failure.permanent()).isTrue();
        assertThat(failure.retryStep(LADDER, 1)).isEmpty();
        assertThat(failure.kind()).isEqualTo("permanent");
        assertThat(failure.message()).isEqualTo("user unknown");
    }

    @Test
    void timeoutsAndUnclassifiedExceptionsAreTransient() {
        Failure timeout = Failure.of(new TimeoutException("slow"));
        assertThat(timeout.permanent()).isFalse();
        assertThat(timeout.errorClass()).isEqualTo("timeout");
        assertThat(timeout.retryStep(LADDER, 2)).contains(2);

        Failure unknown = Failure.of(new IllegalStateException("socket closed"));
        assertThat(unknown.permanent()).isFalse();
        assertThat(unknown.errorClass()).isEqualTo("IllegalStateException");
        assertThat(unknown.message()).isEqualTo("socket closed");
        assertThat(unknown.retryAfter()).isEqualTo(Optional.empty());
    }
}
