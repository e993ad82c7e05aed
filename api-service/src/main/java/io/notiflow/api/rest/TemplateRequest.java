package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates: Mustache texts per channel ({@code email}: subject, body, optional html;
 * {@code sms}: body; {@code push}/{@code inapp}: optional title, body, optional data). {@code locale} null is the
 * default variant.
 */
public record TemplateRequest(
        String code,
        String channel,
        String locale,
        String subject,
        String body,
        String html,
        String title,
        Map<String, String> data) {
}
