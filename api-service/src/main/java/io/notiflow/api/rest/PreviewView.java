package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.notiflow.api.service.RenderedTemplate;

import java.util.Map;

/**
 * The answer of POST /api/templates/{code}/preview (which version and locale variant, rendered) and of
 * POST /api/templates/preview (an unsaved draft, rendered: no version).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreviewView(String code, String channel, String locale, Integer version, String subject, String body,
                          String html, String title, Map<String, String> data) {

    static PreviewView of(RenderedTemplate r) {
        return new PreviewView(r.code(), r.channel().key(), r.locale(), r.version() == 0 ? null : r.version(),
                r.subject(), r.body(), r.html(), r.title(), r.data());
    }
}
