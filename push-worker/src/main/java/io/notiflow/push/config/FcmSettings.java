package io.notiflow.push.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and as whom the worker talks to Firebase Cloud Messaging: FIREBASE_CREDENTIALS, FIREBASE_PROJECT_ID and
 * FCM_API_URL (see application.properties). Without credentials the worker talks to the local simulator.
 */
@ConfigMapping(prefix = "fcm")
public interface FcmSettings {

    /** Path of a service-account JSON file; empty means "no real credentials: use the local simulator". */
    Optional<String> credentials();

    /** The Firebase project; defaults to the service account's own project. */
    Optional<String> projectId();

    /**
     * Base URL (scheme, host, port) that replaces https://fcm.googleapis.com in every FCM request; empty sends to
     * the real FCM. Without credentials it defaults to {@link #simulatorUrl()}.
     */
    Optional<URI> apiUrl();

    /** The local provider simulator (WireMock with the stubs of sim/fcm). */
    @WithDefault("http://localhost:8089")
    URI simulatorUrl();

    /** The project the simulator's stubs answer for, used when no credentials and no project are set. */
    @WithDefault("notiflow-local")
    String simulatorProjectId();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Per HTTP request; the SDK makes up to five of them for one send (it retries 503 itself). */
    @WithDefault("10s")
    Duration readTimeout();
}
