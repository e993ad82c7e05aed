package io.notiflow.core.worker;

import io.notiflow.core.job.Channel;
import io.quarkus.runtime.configuration.DurationConverter;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The backoff ladder of one channel: {@code RETRY_DELAYS_<CHANNEL>} (e.g. RETRY_DELAYS_EMAIL), else
 * {@code RETRY_DELAYS}, else 5s,15s,45s. Its length is the number of retries after the first attempt.
 */
public record RetryPolicy(List<Duration> delays) {

    public static final String DEFAULT_DELAYS = "5s,15s,45s";

    public static RetryPolicy forChannel(Config config, Channel channel) {
        String raw = config.getOptionalValue("retry.delays." + channel.key(), String.class)
                .or(() -> config.getOptionalValue("retry.delays", String.class))
                .orElse(DEFAULT_DELAYS);
        return parse(raw);
    }

    public static RetryPolicy parse(String raw) {
        List<Duration> delays = Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(RetryPolicy::duration)
                .toList();
        return new RetryPolicy(delays);
    }

    private static Duration duration(String text) {
        Duration delay;
        try {
            delay = DurationConverter.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RETRY_DELAYS: '" + text + "' is not a duration (use 5s, 500ms, 2m)", e);
        }
        if (delay == null || delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("RETRY_DELAYS: '" + text + "' must be a positive duration");
        }
        return delay;
    }

    public int maxRetries() {
        return delays.size();
    }

    /**
     * The ladder step (1-based) for the next wait after {@code failedAttempts} failures, or empty when the
     * retries are used up. A provider's Retry-After longer than that step moves the job to the first longer
     * step.
     */
    public Optional<Integer> nextStep(int failedAttempts, Optional<Duration> retryAfter) {
        if (failedAttempts > delays.size()) {
            return Optional.empty();
        }
        int step = Math.max(failedAttempts, 1);
        if (retryAfter.isPresent()) {
            while (step < delays.size() && delays.get(step - 1).compareTo(retryAfter.get()) < 0) {
                step++;
            }
        }
        return Optional.of(step);
    }

    /**
     * The step a job waits on when it was not tried (its provider's circuit is open): the step its failures so far
     * have reached, at least the first, at most the last. Waiting spends no retry.
     */
    public int deferralStep(int failedAttempts) {
        return nextStep(Math.max(failedAttempts, 1), Optional.empty()).orElse(maxRetries());
    }
}
