package io.notiflow.api.rest;

import java.util.Map;

/**
 * Body of POST /api/templates/{code}/preview. {@code channel} may be left out when the template has only one;
 * {@code locale} picks the variant as for a user (exact, then language, then default).
 */
public record PreviewRequest(@Storable @ChannelName String channel, @Storable @LanguageTag String locale,
                             @Storable Map<String, Object> variables) implements ApiRequest {
}
