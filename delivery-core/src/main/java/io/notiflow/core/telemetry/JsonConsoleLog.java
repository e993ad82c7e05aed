package io.notiflow.core.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.logging.Handler;

/**
 * {@code LOG_JSON=true} switches the console to one JSON object per line (timestamp, level, loggerName, message,
 * threadName, the MDC with correlationId, traceId and spanId, and exception), for log shippers. quarkus-logging-json
 * would do this from the first line, but its deployment artifact is not published for the Quarkus version we build
 * on, and jboss-logmanager's own JSON formatter needs Jakarta JSON on the boot class path, which a packaged service
 * does not have. So the switch happens as the application starts, with Jackson: boot lines stay plain text.
 */
@ApplicationScoped
public class JsonConsoleLog {

    private static final JsonFactory JSON = new JsonFactory();

    private final boolean json;

    public JsonConsoleLog(LogSettings settings) {
        this.json = settings.json();
    }

    void apply(@Observes @Priority(1) StartupEvent event) {
        if (json) {
            for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
                useJson(handler);
            }
        }
    }

    private static void useJson(Handler handler) {
        if (handler instanceof ConsoleHandler console) {
            console.setFormatter(new JsonLines());
        }
        if (handler instanceof ExtHandler parent) {
            for (Handler child : parent.getHandlers()) {
                useJson(child);
            }
        }
    }

    /** One log record as one line of JSON. */
    static final class JsonLines extends ExtFormatter {
        @Override
        public String format(ExtLogRecord record) {
            StringWriter out = new StringWriter(256);
            try (JsonGenerator line = JSON.createGenerator(out)) {
                line.writeStartObject();
                line.writeStringField("timestamp", record.getInstant().toString());
                line.writeStringField("level", record.getLevel().getName());
                line.writeStringField("loggerName", record.getLoggerName());
                line.writeStringField("message", formatMessage(record));
                line.writeStringField("threadName", record.getThreadName());
                line.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> entry : record.getMdcCopy().entrySet()) {
                    line.writeStringField(entry.getKey(), entry.getValue());
                }
                line.writeEndObject();
                if (record.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                    line.writeStringField("exception", trace.toString());
                }
                line.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.append('\n').toString();
        }
    }
}
