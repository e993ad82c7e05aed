package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates/preview: an unsaved template (the fields of {@link TemplateRequest}; {@code code}
 * optional) and the sample {@code variables} to render it with.
 */
public record DraftPreviewRequest(
        String code,
        String channel,
        String locale,
        String subject,
        String body,
        String html,
        String title,
        Map<String, String> data,
        Map<String, Object> variables) {

    TemplateRequest template() {
        return new TemplateRequest(code, channel, locale, subject, body, html, title, data);
    }
}
