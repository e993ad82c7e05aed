package io.notiflow.api.service;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.MapObjectHandler;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mustache (mustache.java) with the rules of our templates: HTML escaping only for the e-mail's HTML part, plain
 * text everywhere else (no {@code &amp;} in an SMS or a subject); no partials or template inheritance; variables
 * are a map of JSON values, looked up in maps only, never by reflection on objects; a value tag whose variable
 * is missing is reported rather than rendered as nothing.
 */
@ApplicationScoped
public class TemplateRenderer {

    /** Whether the output is HTML (and so escapes values) or plain text. */
    public enum Output { TEXT, HTML }

    /** A template text that cannot be compiled: a syntax error, or a partial. */
    public static class TemplateSyntaxException extends RuntimeException {
        TemplateSyntaxException(String message) {
            super(message);
        }
    }

    /** Variables used by value tags but not given (or null), in the order first met. */
    public static class MissingVariablesException extends RuntimeException {
        private final Set<String> names;

        MissingVariablesException(Set<String> names) {
            super("missing variables " + names);
            this.names = names;
        }

        public Set<String> names() {
            return names;
        }
    }

    private final RestrictedFactory text = new RestrictedFactory(Output.TEXT);
    private final RestrictedFactory html = new RestrictedFactory(Output.HTML);

    public Mustache compile(String source, Output output) {
        try {
            return (output == Output.HTML ? html : text).compile(new StringReader(source), "template");
        } catch (MustacheException e) {
            throw new TemplateSyntaxException(firstLine(e.getMessage()));
        }
    }

    /** Renders {@code template}; throws {@link MissingVariablesException} naming every missing variable. */
    public String render(Mustache template, Map<String, Object> variables) {
        MissingVariables missing = new MissingVariables();
        List<Object> scopes = new ArrayList<>(2);
        scopes.add(missing);
        scopes.add(variables == null ? Map.of() : variables);
        StringWriter out = new StringWriter();
        try {
            template.execute(out, scopes).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!missing.names.isEmpty()) {
            throw new MissingVariablesException(missing.names);
        }
        return out.toString();
    }

    /** Collects the names of missing variables; it sits in the scope list, where map lookups ignore it. */
    private static final class MissingVariables {
        final Set<String> names = new LinkedHashSet<>();
    }

    private static final class RestrictedFactory extends DefaultMustacheFactory {
        private final Output output;

        RestrictedFactory(Output output) {
            this.output = output;
            setObjectHandler(new MapObjectHandler());
        }

        @Override
        public void encode(String value, Writer writer) {
            if (output == Output.HTML) {
                super.encode(value, writer);
                return;
            }
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    throw new MustacheException("partials ({{> " + variable + "}}) are not supported", tc);
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    throw new MustacheException("partials ({{>* " + variable + "}}) are not supported", tc);
                }

                @Override
                public void extend(TemplateContext tc, String variable, Mustache mustache) {
                    throw new MustacheException("template inheritance ({{< " + variable + "}}) is not supported",
                            tc);
                }

                @Override
                public void value(TemplateContext tc, String variable, boolean encoded) {
                    list.add(new ReportingValueCode(tc, df, variable, encoded));
                }
            };
        }
    }

    /** A value tag that records its variable as missing when it resolves to nothing. */
    private static final class ReportingValueCode extends ValueCode {
        ReportingValueCode(TemplateContext tc, DefaultMustacheFactory df, String variable, boolean encoded) {
            super(tc, df, variable, encoded);
        }

        @Override
        public Object get(List<Object> scopes) {
            Object value = super.get(scopes);
            if (value == null) {
                for (Object scope : scopes) {
                    if (scope instanceof MissingVariables missing) {
                        missing.names.add(name);
                    }
                }
            }
            return value;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be compiled";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
