package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates/{code}/preview. {@code channel} may be left out when the template has only one;
 * {@code locale} picks the variant as for a user (exact, then language, then default).
 */
public record PreviewRequest(String channel, String locale, Map<String, Object> variables) {
}
