package io.notiflow.core.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.util.List;

/**
 * Every service refuses to start in production (a packaged run, the prod profile) with a placeholder, default or
 * short secret ({@link SecretRules}), naming each bad setting. {@code ALLOW_DEV_SECRETS=true} lets a local run
 * against development infrastructure (bin/run, docker-compose.yml, the e2e suites) through.
 */
@ApplicationScoped
public class ProductionSecretsCheck {

    private final Config config;
    private final SecretCheckSettings settings;

    public ProductionSecretsCheck(Config config, SecretCheckSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    // Before the other start-up observers: nothing connects out or consumes with a secret that is refused.
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL || settings.allowDev()) {
            return;
        }
        List<String> problems = SecretRules.problems(name -> config.getOptionalValue(name, String.class));
        if (!problems.isEmpty()) {
            throw new ConfigurationException("refusing to start with secrets unfit for production (set"
                    + " ALLOW_DEV_SECRETS=true only for a local run on development infrastructure):\n  "
                    + String.join("\n  ", problems));
        }
    }
}
