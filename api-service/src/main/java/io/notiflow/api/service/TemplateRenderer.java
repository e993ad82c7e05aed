package io.notiflow.api.service;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Iteration;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.MapObjectHandler;
import io.notiflow.api.config.TemplateSettings;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.notiflow.api.service.FieldRules.hasLineBreak;

/**
 * Mustache (mustache.java) with the rules of our templates: HTML escaping only for the e-mail's HTML part, plain
 * text everywhere else (no {@code &amp;} in an SMS or a subject); no partials or template inheritance; variables
 * are a map of JSON values, looked up in maps only, never by reflection on objects; a value tag whose variable
 * is missing is reported rather than rendered as nothing. Rendering is bounded ({@link TemplateSettings}): each
 * part stops at its size limit, and all parts of one template share a {@link Budget} of time, checked at every
 * write and at every turn of a section's loop (nested sections over lists multiply, output or not).
 */
@ApplicationScoped
public class TemplateRenderer {

    /** Rendering stopped at a limit; {@code problem} says which. */
    public static class RenderLimitException extends RuntimeException {
        RenderLimitException(String problem) {
            super(problem);
        }
    }

    /** A render that failed because of some of the variables; {@link #names()} says which. */
    public abstract static class VariablesException extends RuntimeException {
        private final Set<String> names;

        VariablesException(String problem, Set<String> names) {
            super(problem + " " + names);
            this.names = names;
        }

        public Set<String> names() {
            return names;
        }
    }

    /** Variables whose values hold CR or LF, used in a part that is one line (a subject, a title). */
    public static class LineBreakInValueException extends VariablesException {
        LineBreakInValueException(Set<String> names) {
            super("line breaks in variables", names);
        }
    }

    /** The time one template's parts may take together, from {@link #budget()}. */
    public static final class Budget {
        private final long deadlineNanos;
        private final Duration allowed;

        private Budget(Duration allowed) {
            this.allowed = allowed;
            this.deadlineNanos = System.nanoTime() + allowed.toNanos();
        }

        void check() {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new RenderLimitException("takes longer than " + allowed.toMillis() + " ms to render");
            }
        }
    }

    /** Whether the output is HTML (and so escapes values) or plain text. */
    public enum Output { TEXT, HTML }

    /** A template text that cannot be compiled: a syntax error, or a partial. */
    public static class TemplateSyntaxException extends RuntimeException {
        TemplateSyntaxException(String message) {
            super(message);
        }
    }

    /** Variables used by value tags but not given (or null), in the order first met. */
    public static class MissingVariablesException extends VariablesException {
        MissingVariablesException(Set<String> names) {
            super("missing variables", names);
        }
    }

    private final RestrictedFactory text = new RestrictedFactory(Output.TEXT);
    private final RestrictedFactory html = new RestrictedFactory(Output.HTML);
    private final int maxBytes;
    private final Duration maxTime;

    public TemplateRenderer(TemplateSettings settings) {
        this.maxBytes = settings.maxRenderedBytes();
        this.maxTime = settings.maxRenderTime();
    }

    /** A fresh time budget for rendering one template's parts. */
    public Budget budget() {
        return new Budget(maxTime);
    }

    public Mustache compile(String source, Output output) {
        try {
            return (output == Output.HTML ? html : text).compile(new StringReader(source), "template");
        } catch (MustacheException e) {
            throw new TemplateSyntaxException(firstLine(e.getMessage()));
        }
    }

    /**
     * Renders {@code template} within {@code budget} and the size limit; throws {@link MissingVariablesException}
     * naming every missing variable, {@link LineBreakInValueException} when {@code oneLine} and a value holds CR
     * or LF, {@link RenderLimitException} at a limit.
     */
    public String render(Mustache template, Map<String, Object> variables, Budget budget, boolean oneLine) {
        RenderState state = new RenderState(budget, oneLine);
        List<Object> scopes = new ArrayList<>(2);
        scopes.add(state);
        scopes.add(variables == null ? Map.of() : variables);
        BoundedWriter out = new BoundedWriter(maxBytes, budget);
        try {
            template.execute(out, scopes).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // mustache.java wraps what a write or a lookup throws; the limit is what matters.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof RenderLimitException limit) {
                    throw limit;
                }
            }
            throw e;
        }
        if (!state.missing.isEmpty()) {
            throw new MissingVariablesException(state.missing);
        }
        if (!state.lineBreaks.isEmpty()) {
            throw new LineBreakInValueException(state.lineBreaks);
        }
        return out.toString();
    }

    /**
     * What one render collects and is bound by; it sits first in the scope list, where map lookups ignore it.
     */
    private static final class RenderState {
        final Set<String> missing = new LinkedHashSet<>();
        final Set<String> lineBreaks = new LinkedHashSet<>();
        final Budget budget;
        final boolean oneLine;

        RenderState(Budget budget, boolean oneLine) {
            this.budget = budget;
            this.oneLine = oneLine;
        }

        static RenderState of(List<Object> scopes) {
            for (Object scope : scopes) {
                if (scope instanceof RenderState state) {
                    return state;
                }
            }
            throw new IllegalStateException("rendered without a render state");
        }
    }

    /** Collects the output, counting its UTF-8 bytes, and stops at the limit or when the time is up. */
    private static final class BoundedWriter extends Writer {
        private final StringBuilder out = new StringBuilder();
        private final int maxBytes;
        private final Budget budget;
        private long bytes;

        BoundedWriter(int maxBytes, Budget budget) {
            this.maxBytes = maxBytes;
            this.budget = budget;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                // A surrogate pair is 4 bytes: 2 per half.
                bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            }
            if (bytes > maxBytes) {
                throw new RenderLimitException("renders to more than " + maxBytes + " bytes");
            }
            budget.check();
            out.append(chars, offset, length);
        }

        @Override
        public void write(String text, int offset, int length) {
            write(text.toCharArray(), offset, length);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    private static final class RestrictedFactory extends DefaultMustacheFactory {
        private final Output output;

        RestrictedFactory(Output output) {
            this.output = output;
            setObjectHandler(new MapObjectHandler() {
                @Override
                public Writer iterate(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
                    Budget budget = RenderState.of(scopes).budget;
                    return super.iterate((w, element, s) -> {
                        budget.check();
                        return iteration.next(w, element, s);
                    }, writer, object, scopes);
                }
            });
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

    /** A value tag that records its variable when it resolves to nothing, or to a line break in a one-line part. */
    private static final class ReportingValueCode extends ValueCode {
        ReportingValueCode(TemplateContext tc, DefaultMustacheFactory df, String variable, boolean encoded) {
            super(tc, df, variable, encoded);
        }

        @Override
        public Object get(List<Object> scopes) {
            Object value = super.get(scopes);
            RenderState state = RenderState.of(scopes);
            if (value == null) {
                state.missing.add(name);
            } else if (state.oneLine && hasLineBreak(String.valueOf(value))) {
                state.lineBreaks.add(name);
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
