package io.notiflow.core.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesTest {

    @Test
    void aRecordIsOneLineOfJsonWithItsMdcAndException() throws Exception {
        MDC.put("correlationId", "c-\"42\"");
        ExtLogRecord record;
        try {
            record = new ExtLogRecord(Level.WARNING, "sent %s\nover email", ExtLogRecord.FormatStyle.PRINTF,
                    JsonLinesTest.class.getName());
            record.setParameters(new Object[] {"n-1"});
            record.setLoggerName("io.notiflow.test");
            record.setThrown(new IllegalStateException("boom"));
            record.copyMdc();
        } finally {
            MDC.remove("correlationId");
        }

        String line = new JsonConsoleLog.JsonLines().format(record);

        assertThat(line).endsWith("\n").doesNotContain("\r");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARNING");
        assertThat(json.path("loggerName").asText()).isEqualTo("io.notiflow.test");
        assertThat(json.path("message").asText()).isEqualTo("sent n-1\nover email");
        assertThat(json.path("mdc").path("correlationId").asText()).isEqualTo("c-\"42\"");
        assertThat(json.path("exception").asText()).contains("IllegalStateException: boom");
        assertThat(json.path("timestamp").asText()).isNotEmpty();
    }
}
