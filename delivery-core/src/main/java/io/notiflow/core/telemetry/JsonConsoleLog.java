package io.notiflow.core.telemetry;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.util.logging.Handler;

/**
 * {@code LOG_JSON=true} switches the console to one JSON object per line (jboss-logmanager's {@link JsonFormatter}:
 * timestamp, level, loggerName, message, threadName, exception, and the MDC with correlationId, traceId and spanId),
 * for log shippers. quarkus-logging-json would do this from the first line, but it is not published for the Quarkus
 * version we build on, so the switch happens as the application starts: lines from the boot itself stay plain text.
 */
@ApplicationScoped
public class JsonConsoleLog {

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
            JsonFormatter formatter = new JsonFormatter();
            formatter.setPrintDetails(false);
            console.setFormatter(formatter);
        }
        if (handler instanceof ExtHandler parent) {
            for (Handler child : parent.getHandlers()) {
                useJson(child);
            }
        }
    }
}
