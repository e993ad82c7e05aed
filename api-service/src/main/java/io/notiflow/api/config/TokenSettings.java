package io.notiflow.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** In-app user tokens: JWT_PRIVATE_KEY (PEM path), JWT_ISSUER, JWT_LIFETIME. */
@ConfigMapping(prefix = "tokens")
public interface TokenSettings {

    /** PEM file of the RSA private key; without it the API runs but mints no tokens (503). */
    Optional<String> privateKey();

    /** Must match the gateway's JWT_ISSUER. */
    @WithDefault("notiflow")
    String issuer();

    /** Kept short: a front end asks its backend for a fresh token when it reconnects. */
    @WithDefault("15m")
    Duration lifetime();
}
