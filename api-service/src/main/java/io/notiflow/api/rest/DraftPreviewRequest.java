package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates/preview: an unsaved template (the fields of {@link TemplateRequest}; {@code code}
 * optional) and the sample {@code variables} to render it with.
 */
@TemplateParts
public record DraftPreviewRequest(
        @Storable @Identifier(blankIsAbsent = true) String code,
        @Storable @ChannelName(required = true) String channel,
        @Storable @LanguageTag String locale,
        @Storable String subject,
        @Storable String body,
        @Storable String html,
        @Storable String title,
        @Storable Map<String, String> data,
        @Storable Map<String, Object> variables) implements ApiRequest {

    TemplateRequest template() {
        return new TemplateRequest(code, channel, locale, subject, body, html, title, data);
    }
}
