package io.notiflow.api.service;

import io.notiflow.api.config.ApiSettings;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per API key ({@code api.rate-limit}): a key may burst up to {@code burst} calls, then
 * {@code requests-per-second} on average. The buckets live in this instance's memory, so with N api-service
 * instances behind a balancer a key gets up to N times the rate. Only configured keys reach it (the key is checked
 * first), so the map stays as small as API_KEYS.
 * <p>
 * SmallRye Fault Tolerance's {@code @RateLimit} limits a method for all callers, not per key, hence this.
 */
@ApplicationScoped
public class ApiKeyRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public ApiKeyRateLimiter(ApiSettings settings) {
        this.perSecond = settings.rateLimit().requestsPerSecond();
        this.burst = Math.max(1, settings.rateLimit().burst());
    }

    /** Takes one call from the key's bucket; empty when allowed, else the whole seconds until a call would be. */
    public OptionalLong tryAcquire(String apiKey) {
        if (perSecond <= 0) {
            return OptionalLong.empty();
        }
        return buckets.computeIfAbsent(apiKey, k -> new Bucket(burst)).take(perSecond, burst, System.nanoTime());
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(int burst) {
            this.tokens = burst;
            this.refilledAt = System.nanoTime();
        }

        synchronized OptionalLong take(double perSecond, int burst, long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / NANOS_PER_SECOND);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - tokens) / perSecond)));
        }
    }
}
