package io.notiflow.core.worker;

import io.notiflow.core.job.Channel;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private static final RetryPolicy LADDER = RetryPolicy.parse("5s,15s,45s");

    @Test
    void theLadderIsTheNumberOfRetriesAfterTheFirstAttempt() {
        assertThat(LADDER.delays()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(45));
        assertThat(LADDER.maxRetries()).isEqualTo(3);
        assertThat(RetryPolicy.parse(" 500ms, ,2m ").delays()).containsExactly(Duration.ofMillis(500),
                Duration.ofMinutes(2));
    }

    @Test
    void eachFailureWaitsOnTheNextStepUntilTheRetriesAreUsedUp() {
        assertThat(LADDER.nextStep(1, Optional.empty())).contains(1);
        assertThat(LADDER.nextStep(2, Optional.empty())).contains(2);
        assertThat(LADDER.nextStep(3, Optional.empty())).contains(3);
        assertThat(LADDER.nextStep(4, Optional.empty())).isEmpty();
    }

    @Test
    void aLongerRetryAfterMovesTheJobToTheFirstStepThatIsAtLeastAsLong() {
        assertThat(LADDER.nextStep(1, Optional.of(Duration.ofSeconds(10)))).contains(2);
        assertThat(LADDER.nextStep(1, Optional.of(Duration.ofSeconds(15)))).contains(2);
        assertThat(LADDER.nextStep(1, Optional.of(Duration.ofSeconds(20)))).contains(3);
        assertThat(LADDER.nextStep(2, Optional.of(Duration.ofSeconds(1)))).contains(2);
        // Longer than the whole ladder: the last step, never past it.
        assertThat(LADDER.nextStep(1, Optional.of(Duration.ofHours(1)))).contains(3);
        // It never buys retries beyond the budget.
        assertThat(LADDER.nextStep(4, Optional.of(Duration.ofSeconds(1)))).isEmpty();
    }

    @Test
    void aDeferredJobWaitsOnTheStepItHasReachedAndSpendsNoRetry() {
        assertThat(LADDER.deferralStep(0)).isEqualTo(1);
        assertThat(LADDER.deferralStep(2)).isEqualTo(2);
        assertThat(LADDER.deferralStep(3)).isEqualTo(3);
        assertThat(LADDER.deferralStep(9)).isEqualTo(3);
    }

    @Test
    void aChannelsOwnLadderComesFirstThenTheSharedOneThenTheDefault() {
        SmallRyeConfig both = config(Map.of("retry.delays.sms", "1s,2s", "retry.delays", "7s"));
        assertThat(RetryPolicy.forChannel(both, Channel.SMS).delays())
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(RetryPolicy.forChannel(both, Channel.EMAIL).delays()).containsExactly(Duration.ofSeconds(7));
        assertThat(RetryPolicy.forChannel(config(Map.of()), Channel.PUSH))
                .isEqualTo(RetryPolicy.parse(RetryPolicy.DEFAULT_DELAYS));
    }

    @Test
    void aDelayThatIsNotAPositiveDurationIsRefusedNamingIt() {
        assertThatThrownBy(() -> RetryPolicy.parse("5s,fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast' is not a duration");
        assertThatThrownBy(() -> RetryPolicy.parse("0s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'0s' must be a positive duration");
        assertThatThrownBy(() -> RetryPolicy.parse("-5s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-5s'");
    }

    private static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
