package io.notiflow.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What makes a secret unfit for production: a placeholder (what {@code deploy/prod.env.example} ships, "changeme" and its
 * kin), a well-known default login (postgres, guest), or fewer characters than a generated secret has. The answers
 * name the setting and the reason, never the value.
 */
public final class SecretRules {

    /** Every secret a notiflow service may read; a service checks those it has a value for. */
    public static final List<Secret> SECRETS = List.of(
            new Secret("api.keys", "API_KEYS", true, 24),
            new Secret("quarkus.datasource.password", "QUARKUS_DATASOURCE_PASSWORD", false, 16),
            new Secret("quarkus.flyway.password", "QUARKUS_FLYWAY_PASSWORD", false, 16),
            new Secret("rabbitmq.password", "RABBITMQ_PASSWORD", false, 16),
            new Secret("twilio.auth-token", "TWILIO_AUTH_TOKEN", false, 16),
            new Secret("quarkus.mailer.password", "SMTP_PASS", false, 0));

    /** Parts of a value that mark it as something to replace (lower case). */
    private static final List<String> PLACEHOLDER_MARKS = List.of("change-me", "changeme", "change_me", "replace-me",
            "replaceme", "placeholder", "example", "xxxx", "your-", "your_", "<", "todo", "simulator");

    /** Whole values that are default or demo logins (lower case). */
    private static final List<String> DEFAULT_VALUES = List.of("postgres", "guest", "admin", "password", "secret",
            "root", "notiflow", "test", "test-key", "dev-compose-key", "12345678");

    private SecretRules() {
    }

    /**
     * What is wrong with the secrets {@code lookup} has values for, one line each ("API_KEYS (api.keys): ..."), in
     * the order of {@link #SECRETS}; empty when all of them are fit for production.
     */
    public static List<String> problems(Function<String, Optional<String>> lookup) {
        List<String> problems = new ArrayList<>();
        for (Secret secret : SECRETS) {
            Optional<String> value = lookup.apply(secret.property()).filter(v -> !v.isBlank());
            if (value.isEmpty()) {
                continue;
            }
            List<String> parts = secret.list() ? List.of(value.get().split(",")) : List.of(value.get());
            for (int i = 0; i < parts.size(); i++) {
                String which = secret.list() && parts.size() > 1 ? "entry " + (i + 1) + " " : "";
                String reason = reason(parts.get(i).trim(), secret.minLength());
                if (reason != null) {
                    problems.add(secret.variable() + " (" + secret.property() + "): " + which + reason);
                }
            }
        }
        return problems;
    }

    /** Why {@code value} is unfit, or null. */
    static String reason(String value, int minLength) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (DEFAULT_VALUES.contains(lower)) {
            return "is a well-known default, not a secret";
        }
        if (PLACEHOLDER_MARKS.stream().anyMatch(lower::contains)) {
            return "is a placeholder; set a randomly generated value";
        }
        if (value.length() < minLength) {
            return "is " + value.length() + " characters long; use at least " + minLength
                    + " random ones (e.g. openssl rand -hex " + minLength + ")";
        }
        return null;
    }
}
