package io.notiflow.core.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Console log format (LOG_JSON). */
@ConfigMapping(prefix = "notiflow.log")
public interface LogSettings {
    /** One JSON object per line instead of the text pattern. */
    @WithDefault("false")
    boolean json();
}
