package io.notiflow.api.service;

import com.github.mustachejava.Mustache;
import io.notiflow.api.repository.Template;
import io.notiflow.api.repository.TemplateRepository;
import io.notiflow.api.service.TemplateRenderer.Output;
import io.notiflow.core.job.Channel;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Templates: versions, locale variants and rendering. A template is never changed in place: saving one adds the
 * next version of its (code, channel, locale) variant, and notifications render the newest version when they are
 * accepted, so what is already queued keeps its text.
 */
@ApplicationScoped
public class TemplateService {

    private final TemplateRepository templates;
    private final TemplateRenderer renderer;

    public TemplateService(TemplateRepository templates, TemplateRenderer renderer) {
        this.templates = templates;
        this.renderer = renderer;
    }

    /** Saves a validated template as the next version of its variant. */
    public Template add(Template draft) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                draft.version = templates.nextVersion(draft.code, draft.channel, draft.locale);
                draft.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                templates.persist(draft);
                templates.flush();
                return draft;
            });
        } catch (PersistenceException e) {
            if (!UniqueViolation.causes(e)) {
                throw e;
            }
            // Another version of the same variant was saved at the same moment.
            throw new ClientErrorException("template '" + draft.code + "' was changed concurrently; retry",
                    Response.Status.CONFLICT);
        }
    }

    @Transactional
    public List<Template> latest() {
        return templates.latestVariants(null);
    }

    @Transactional
    public List<Template> latest(String code) {
        return templates.latestVariants(code);
    }

    @Transactional
    public List<Template> versions(String code) {
        return templates.versions(code);
    }

    @Transactional
    public long delete(String code, Channel channel, String locale) {
        return templates.deleteVariants(code, channel, locale);
    }

    /**
     * The variant for {@code locale}: exact tag (pt-BR), then its language (pt), then the default; empty when the
     * code has no template for the channel at all.
     */
    @Transactional
    public Optional<Template> resolve(String code, Channel channel, String locale) {
        return pick(templates.latestVariants(code, channel), locale);
    }

    static Optional<Template> pick(List<Template> variants, String locale) {
        if (locale != null) {
            Optional<Template> exact = variants.stream().filter(t -> locale.equalsIgnoreCase(t.locale)).findFirst();
            if (exact.isPresent()) {
                return exact;
            }
            String language = Locale.forLanguageTag(locale).getLanguage();
            Optional<Template> sameLanguage = variants.stream()
                    .filter(t -> language.equalsIgnoreCase(t.locale)).findFirst();
            if (sameLanguage.isPresent()) {
                return sameLanguage;
            }
        }
        return variants.stream().filter(t -> t.locale == null).findFirst();
    }

    /**
     * Renders one template version, or an unsaved draft (version 0). A variable used by a value tag but missing
     * from {@code variables} is a 400 naming it ({@code variables.<name>}).
     */
    public RenderedTemplate render(Template t, Map<String, Object> variables) {
        Map<String, String> missing = new LinkedHashMap<>();
        String subject = part(t, t.subject, Output.TEXT, variables, missing);
        String body = part(t, t.body, Output.TEXT, variables, missing);
        String html = part(t, t.html, Output.HTML, variables, missing);
        String title = part(t, t.title, Output.TEXT, variables, missing);
        Map<String, String> data = null;
        if (t.data != null) {
            data = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : t.data.entrySet()) {
                data.put(entry.getKey(), part(t, entry.getValue(), Output.TEXT, variables, missing));
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(missing);
        }
        return new RenderedTemplate(t.code, t.channel, t.locale, t.version, subject, body, html, title, data);
    }

    private String part(Template t, String source, Output output, Map<String, Object> variables,
                        Map<String, String> missing) {
        if (source == null) {
            return null;
        }
        Mustache compiled = renderer.compile(source, output);
        try {
            return renderer.render(compiled, variables);
        } catch (TemplateRenderer.MissingVariablesException e) {
            for (String name : e.names()) {
                missing.put("variables." + name, "is used by " + (t.code == null ? "the template" : "template '"
                        + t.code + "'") + " (" + t.channel.key() + ", " + (t.version == 0 ? "unsaved draft"
                        : "version " + t.version) + ") but not given");
            }
            return null;
        }
    }
}
