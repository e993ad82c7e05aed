package io.notiflow.api.service;

import io.notiflow.api.repository.Template;
import io.notiflow.api.rest.TemplateRequest;
import io.notiflow.api.service.TemplateRenderer.Output;
import io.notiflow.core.job.Channel;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.notiflow.api.service.FieldRules.isBlank;

/**
 * The rules of POST /api/templates per channel: which parts each channel takes, their sizes, that each part is
 * Mustache that compiles without partials, and that a subject or title holds no line break. Every problem is
 * collected, so one 400 names every bad field. The code, channel and locale shapes are the constraints on
 * {@link TemplateRequest}.
 */
@ApplicationScoped
public class TemplateValidator {

    private final TemplateRenderer renderer;

    public TemplateValidator(TemplateRenderer renderer) {
        this.renderer = renderer;
    }

    /**
     * What is wrong with a template per its channel, by field; empty when nothing is, or when the channel is
     * unknown (its constraint names it). {@code codeRequired}: false for a draft to preview, whose code an
     * operator may not have named yet. The request's own constraints (code, channel, locale shapes) are checked
     * alongside.
     */
    public Map<String, String> problems(TemplateRequest request, boolean codeRequired) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (codeRequired && isBlank(request.code())) {
            errors.put("code", "is required");
        }
        Optional<Channel> known = Channel.fromKey(request.channel());
        if (known.isEmpty()) {
            return errors;
        }
        Channel channel = known.get();
        String type = channel.key();
        switch (channel) {
            case EMAIL -> {
                part("subject", request.subject(), true, NotifyValidator.MAX_SUBJECT, Output.TEXT, errors);
                oneLine("subject", request.subject(), errors);
                part("body", request.body(), true, NotifyValidator.MAX_EMAIL_BODY, Output.TEXT, errors);
                part("html", request.html(), false, NotifyValidator.MAX_HTML, Output.HTML, errors);
                notFor(request.title(), "title", type, errors);
                notFor(request.data(), "data", type, errors);
            }
            case SMS -> {
                part("body", request.body(), true, NotifyValidator.MAX_SMS, Output.TEXT, errors);
                notFor(request.subject(), "subject", type, errors);
                notFor(request.html(), "html", type, errors);
                notFor(request.title(), "title", type, errors);
                notFor(request.data(), "data", type, errors);
            }
            case PUSH, INAPP -> {
                part("title", request.title(), false, NotifyValidator.MAX_TITLE, Output.TEXT, errors);
                oneLine("title", request.title(), errors);
                part("body", request.body(), true, channel == Channel.PUSH
                        ? NotifyValidator.MAX_PUSH_BODY : NotifyValidator.MAX_INAPP_BODY, Output.TEXT, errors);
                if (request.data() != null) {
                    request.data().forEach((key, value) -> {
                        if (isBlank(key)) {
                            errors.put("data", "keys must not be blank");
                        } else {
                            part("data." + key, value, true, NotifyValidator.MAX_DATA_BYTES, Output.TEXT, errors);
                        }
                    });
                }
                notFor(request.subject(), "subject", type, errors);
                notFor(request.html(), "html", type, errors);
            }
        }
        return errors;
    }

    /** A new, unsaved template row (version not set yet) from a valid request. */
    public Template row(TemplateRequest request) {
        Template row = new Template();
        row.code = isBlank(request.code()) ? null : request.code();
        row.channel = Channel.fromKey(request.channel()).orElseThrow();
        row.locale = request.locale() == null ? null : FieldRules.canonicalLocale(request.locale());
        row.subject = request.subject();
        row.body = request.body();
        row.html = request.html();
        row.title = request.title();
        row.data = request.data();
        return row;
    }

    private void part(String field, String source, boolean required, int max, Output output,
                      Map<String, String> errors) {
        if (source == null || (required && source.isBlank())) {
            if (required) {
                errors.put(field, "is required");
            }
            return;
        }
        if (source.length() > max) {
            errors.put(field, "is longer than " + max + " characters");
            return;
        }
        try {
            renderer.compile(source, output);
        } catch (TemplateRenderer.TemplateSyntaxException e) {
            errors.put(field, "is not a valid template: " + e.getMessage());
        }
    }

    /**
     * A subject or title is one line: a line break written into the template would make every notification from
     * it fail, so it is refused here, once. (A line break a variable brings is refused where it is rendered.)
     */
    private static void oneLine(String field, String source, Map<String, String> errors) {
        if (source != null && !errors.containsKey(field) && FieldRules.hasLineBreak(source)) {
            errors.put(field, "must not contain CR or LF: a " + field + " is one line");
        }
    }

    private static void notFor(Object value, String field, String type, Map<String, String> errors) {
        if (value != null) {
            errors.put(field, "is not used by channel " + type);
        }
    }
}
