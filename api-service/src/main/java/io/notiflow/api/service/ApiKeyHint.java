package io.notiflow.api.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says which configured API key asked without storing it: {@code sha256:} and the first 12 hex digits of the key's
 * SHA-256. Notifications ({@code api_key_hint}, the timeline's accepted event) and DLQ replays carry it.
 */
public final class ApiKeyHint {

    /** Only configured keys get past ApiKeyFilter, so a handful; the bound is for safety. */
    private static final int CACHED = 64;
    private static final Map<String, String> HINTS = new ConcurrentHashMap<>();

    private ApiKeyHint() {
    }

    /** The hint of {@code apiKey} (null: none). */
    public static String of(String apiKey) {
        if (apiKey == null) {
            return null;
        }
        String hint = HINTS.get(apiKey);
        if (hint == null) {
            hint = "sha256:" + IdempotencyKeys.sha256(apiKey.trim()).substring(0, 12);
            if (HINTS.size() < CACHED) {
                HINTS.put(apiKey, hint);
            }
        }
        return hint;
    }
}
