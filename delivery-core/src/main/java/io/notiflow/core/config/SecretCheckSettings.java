package io.notiflow.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** ALLOW_DEV_SECRETS: accept development secrets in a packaged run (see {@link ProductionSecretsCheck}). */
@ConfigMapping(prefix = "notiflow.secrets")
public interface SecretCheckSettings {
    @WithName("allow-dev")
    @WithDefault("false")
    boolean allowDev();
}
