package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates: Mustache texts per channel ({@code email}: subject, body, optional html;
 * {@code sms}: body; {@code push}/{@code inapp}: optional title, body, optional data). {@code locale} null is the
 * default variant.
 */
@TemplateParts
public record TemplateRequest(
        @Storable @Identifier(blankIsAbsent = true) String code,
        @Storable @ChannelName(required = true) String channel,
        @Storable @LanguageTag String locale,
        @Storable String subject,
        @Storable String body,
        @Storable String html,
        @Storable String title,
        @Storable Map<String, String> data) implements ApiRequest {
}
