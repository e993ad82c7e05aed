package io.notiflow.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Limits on rendering a template, so a small template cannot be made to render megabytes or loop for long (nested
 * sections over lists multiply): API_TEMPLATES_MAX_RENDERED_BYTES and API_TEMPLATES_MAX_RENDER_TIME.
 */
@ConfigMapping(prefix = "api.templates")
public interface TemplateSettings {

    /** Largest rendered part (subject, body, html, title, one data value), in UTF-8 bytes; more is a 422. */
    @WithDefault("262144")
    int maxRenderedBytes();

    /** Longest a template's parts may take to render together; longer is a 422. */
    @WithDefault("500ms")
    Duration maxRenderTime();
}
