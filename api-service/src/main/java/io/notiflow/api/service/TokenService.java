package io.notiflow.api.service;

import io.notiflow.api.config.TokenSettings;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Mints the short-lived JWTs the in-app gateway accepts: RS256, subject = the user, {@code rooms} = the rooms
 * the user may join. A customer's backend calls this for a signed-in user and hands the token to its front end.
 */
@ApplicationScoped
public class TokenService {

    public static final String ROOMS_CLAIM = "rooms";
    public static final int MAX_ROOMS = 100;

    private final TokenSettings settings;
    private volatile PrivateKey key;

    public TokenService(TokenSettings settings) {
        this.settings = settings;
    }

    public record IssuedToken(String token, Instant expiresAt) {
    }

    /** No JWT_PRIVATE_KEY: this API mints no in-app tokens (503). */
    public static class TokensNotConfiguredException extends RuntimeException {
        TokensNotConfiguredException() {
            super("in-app tokens are not configured on this API (JWT_PRIVATE_KEY is not set)");
        }
    }

    /** {@code userId} and {@code rooms} are identifiers, at most {@link #MAX_ROOMS} rooms (TokenRequest's rules). */
    public IssuedToken mint(String userId, List<String> rooms) {
        List<String> roomList = rooms == null ? List.of() : rooms;
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(settings.lifetime());
        String token = Jwt.subject(userId)
                .upn(userId)
                .issuer(settings.issuer())
                .claim(ROOMS_CLAIM, roomList)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .sign(signingKey());
        return new IssuedToken(token, expiresAt);
    }

    private PrivateKey signingKey() {
        PrivateKey current = key;
        if (current != null) {
            return current;
        }
        String location = settings.privateKey()
                .orElseThrow(() -> new TokensNotConfiguredException());
        try {
            current = KeyUtils.decodePrivateKey(Files.readString(Path.of(location)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The path is configuration, not a secret; the key's content never reaches the log.
            throw new IllegalStateException("JWT_PRIVATE_KEY " + location + " is not a readable PEM private key", e);
        }
        key = current;
        return current;
    }
}
