package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.notiflow.api.repository.Template;

import java.time.OffsetDateTime;
import java.util.Map;

/** JSON view of one template version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateView(String code, String channel, String locale, int version, String subject, String body,
                           String html, String title, Map<String, String> data,
                           @JsonProperty("created_at") OffsetDateTime createdAt) {

    public static TemplateView of(Template t) {
        return new TemplateView(t.code, t.channel.key(), t.locale, t.version, t.subject, t.body, t.html, t.title,
                t.data, t.createdAt);
    }
}
