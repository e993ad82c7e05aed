package io.notiflow.core.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Which secrets a packaged service refuses, and that the refusal names the setting but never the value. */
class SecretRulesTest {

    private static final String STRONG = "9f86d081884c7d659a2feaa0c55ad015";

    @Test
    void everyPlaceholderOfEnvExampleIsRefused() throws IOException {
        Properties example = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("../deploy/prod.env.example"))) {
            example.load(reader);
        }
        Map<String, String> byProperty = Map.of(
                "api.keys", example.getProperty("API_KEYS"),
                "quarkus.datasource.password", example.getProperty("POSTGRES_APP_PASSWORD"),
                "quarkus.flyway.password", example.getProperty("POSTGRES_MIGRATION_PASSWORD"),
                "rabbitmq.password", example.getProperty("RABBITMQ_PASSWORD"),
                "twilio.auth-token", example.getProperty("TWILIO_AUTH_TOKEN"));
        List<String> problems = SecretRules.problems(name -> Optional.ofNullable(byProperty.get(name)));
        assertThat(problems).anyMatch(p -> p.startsWith("API_KEYS (api.keys): entry 1 is a placeholder"))
                .anyMatch(p -> p.startsWith("API_KEYS (api.keys): entry 2 is a placeholder"))
                .anyMatch(p -> p.startsWith("QUARKUS_DATASOURCE_PASSWORD (quarkus.datasource.password):"))
                .anyMatch(p -> p.startsWith("QUARKUS_FLYWAY_PASSWORD (quarkus.flyway.password):"))
                .anyMatch(p -> p.startsWith("RABBITMQ_PASSWORD (rabbitmq.password):"))
                .anyMatch(p -> p.startsWith("TWILIO_AUTH_TOKEN (twilio.auth-token):"));
        byProperty.values().forEach(secret -> assertThat(String.join("\n", problems)).doesNotContain(secret));
    }

    @Test
    void defaultLoginsAndShortSecretsAreRefused() {
        assertThat(SecretRules.reason("postgres", 16)).contains("well-known default");
        assertThat(SecretRules.reason("Guest", 16)).contains("well-known default");
        assertThat(SecretRules.reason("s3cr3t-but-short", 24)).contains("16 characters long").contains("24");
        assertThat(SecretRules.reason("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 16)).contains("placeholder");
    }

    @Test
    void generatedSecretsPassAndUnsetOnesAreNotChecked() {
        Map<String, String> config = Map.of("api.keys", STRONG + "," + STRONG.toUpperCase(),
                "quarkus.datasource.password", STRONG, "rabbitmq.password", STRONG,
                // provider-issued, checked for placeholders only
                "quarkus.mailer.password", "short-but-real");
        assertThat(SecretRules.problems(name -> Optional.ofNullable(config.get(name)))).isEmpty();
        assertThat(SecretRules.problems(name -> name.equals("twilio.auth-token") ? Optional.of("")
                : Optional.empty())).isEmpty();
    }
}
