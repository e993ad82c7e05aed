package io.notiflow.core.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;

/**
 * A fresh RSA key pair per test run, written as PEM files the way an operator provides them
 * ({@code JWT_PRIVATE_KEY}, {@code JWT_PUBLIC_KEY}), so no key is ever committed. Tests sign tokens with
 * {@link #privateKey()}.
 */
public class JwtKeysResource implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "notiflow-test";

    private static KeyPair keys;
    private static Path privatePem;
    private static Path publicPem;

    @Override
    public Map<String, String> start() {
        ensureKeys();
        return Map.of(
                "jwt.private-key", privatePem.toString(),
                "jwt.public-key", publicPem.toString(),
                "jwt.issuer", ISSUER);
    }

    @Override
    public void stop() {
        // The files live in a temp directory; one key pair serves every suite of the run.
    }

    public static synchronized PrivateKey privateKey() {
        ensureKeys();
        return keys.getPrivate();
    }

    /** A key pair nobody configured: tokens signed with it must be refused. */
    public static PrivateKey strangerKey() {
        return generate().getPrivate();
    }

    private static synchronized void ensureKeys() {
        if (keys != null) {
            return;
        }
        keys = generate();
        try {
            Path dir = Files.createTempDirectory("notiflow-jwt");
            privatePem = dir.resolve("jwt-private.pem");
            publicPem = dir.resolve("jwt-public.pem");
            Files.writeString(privatePem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(publicPem, pem("PUBLIC KEY", keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
