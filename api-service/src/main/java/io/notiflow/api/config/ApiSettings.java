package io.notiflow.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** api-service settings; {@code api.keys} comes from API_KEYS (comma-separated). */
@ConfigMapping(prefix = "api")
public interface ApiSettings {

    /** Accepted X-API-Key values. */
    List<String> keys();

    /** Largest request body accepted, in bytes, whatever the transfer encoding; a larger one is a 413. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Default and largest page of GET /api/notifications and GET /api/suppressions. */
    @WithDefault("50")
    int defaultListLimit();

    @WithDefault("500")
    int maxListLimit();

    /** Requests per API key (API_RATE_LIMIT_REQUESTS_PER_SECOND, API_RATE_LIMIT_BURST). */
    RateLimit rateLimit();

    interface RateLimit {
        /** Sustained rate each key may call /api/* at; 0 turns rate limiting off. */
        @WithDefault("1000")
        double requestsPerSecond();

        /** Calls a key may make at once after being idle (the bucket size). */
        @WithDefault("2000")
        int burst();
    }
}
