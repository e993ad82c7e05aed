package io.notiflow.api.service;

import com.github.mustachejava.Mustache;
import io.notiflow.api.config.TemplateSettings;
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
    private final NotifyValidator validator;

    public TemplateService(TemplateRepository templates, TemplateRenderer renderer, NotifyValidator validator) {
        this.templates = templates;
        this.renderer = renderer;
        this.validator = validator;
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
     * Renders one template version, or an unsaved draft (version 0), and checks the result against the rules of a
     * notification of its channel: the one path that both preview and POST /api/notify take, so what one accepts
     * the other does too. Problems are named by {@code prefix} + the template's part ({@code subject}, {@code body},
     * {@code html}, {@code title}, {@code data.<key>}):
     * <ul>
     * <li>a variable used by a value tag but missing from {@code variables}: 400 naming {@code variables.<name>};
     * <li>a variable whose value puts CR or LF into a subject or title: 400 naming {@code variables.<name>} and
     * the part;
     * <li>a part that renders past its size or the template past its time ({@link TemplateSettings}): 422;
     * <li>rendered text the channel cannot carry (blank, too long, a data payload too large): 400.
     * </ul>
     */
    public RenderedTemplate render(Template t, Map<String, Object> variables, String prefix) {
        Rendering rendering = new Rendering(t, variables, renderer.budget(), prefix);
        String subject = rendering.part("subject", t.subject, Output.TEXT, true);
        String body = rendering.part("body", t.body, Output.TEXT, false);
        String html = rendering.part("html", t.html, Output.HTML, false);
        String title = rendering.part("title", t.title, Output.TEXT, true);
        Map<String, String> data = null;
        if (t.data != null) {
            data = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : t.data.entrySet()) {
                data.put(entry.getKey(), rendering.part("data." + entry.getKey(), entry.getValue(), Output.TEXT,
                        false));
            }
        }
        if (!rendering.limits.isEmpty()) {
            Map<String, String> fields = new LinkedHashMap<>();
            rendering.limits.forEach((part, problem) -> fields.put(prefix + part, problem));
            throw new UnprocessableRequestException("template " + rendering.describe() + " renders past its limits"
                    + " with these variables", fields);
        }
        if (!rendering.variables.isEmpty()) {
            throw new InvalidRequestException(rendering.variables);
        }
        Map<String, String> content = new LinkedHashMap<>();
        validator.contentProblems(t.channel, subject, title, body, html, data).forEach((field, problem) -> {
            String part = field.startsWith("message") ? "body" + field.substring("message".length()) : field;
            content.put(prefix + part, "as rendered from " + rendering.describe() + ": " + problem);
        });
        if (!content.isEmpty()) {
            throw new InvalidRequestException(content);
        }
        return new RenderedTemplate(t.code, t.channel, t.locale, t.version, subject, body, html, title, data);
    }

    /** One template's render: the parts share a time budget; problems are collected per part and variable. */
    private final class Rendering {
        final Template t;
        final Map<String, Object> values;
        final TemplateRenderer.Budget budget;
        final Map<String, String> variables = new LinkedHashMap<>();
        final Map<String, String> limits = new LinkedHashMap<>();
        final String prefix;

        Rendering(Template t, Map<String, Object> values, TemplateRenderer.Budget budget, String prefix) {
            this.t = t;
            this.values = values;
            this.budget = budget;
            this.prefix = prefix;
        }

        String part(String name, String source, Output output, boolean oneLine) {
            if (source == null || !limits.isEmpty()) {
                return null; // past a limit, the rest is not worth the time
            }
            Mustache compiled = renderer.compile(source, output);
            try {
                return renderer.render(compiled, values, budget, oneLine);
            } catch (TemplateRenderer.MissingVariablesException e) {
                for (String variable : e.names()) {
                    variables.put("variables." + variable, "is used by " + describe() + " but not given");
                }
            } catch (TemplateRenderer.LineBreakInValueException e) {
                for (String variable : e.names()) {
                    variables.put("variables." + variable, "contains CR or LF, which the " + name + " of "
                            + describe() + " cannot carry (it is one line)");
                }
                variables.put(prefix + name, "as rendered from " + describe() + ": would contain CR or LF from "
                        + e.names().stream().map(v -> "variables." + v).toList());
            } catch (TemplateRenderer.RenderLimitException e) {
                limits.put(name, e.getMessage());
            }
            return null;
        }

        String describe() {
            return (t.code == null ? "the template" : "template '" + t.code + "'") + " (" + t.channel.key() + ", "
                    + (t.version == 0 ? "unsaved draft" : "version " + t.version) + ")";
        }
    }
}
