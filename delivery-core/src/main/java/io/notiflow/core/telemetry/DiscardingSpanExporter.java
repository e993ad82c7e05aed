package io.notiflow.core.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.inject.Singleton;

import java.util.Collection;

/**
 * Trace export is off until an operator names an OTLP endpoint. Traces still exist (their ids are in the logs and
 * the AMQP headers); only their export waits for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. While this bean can be looked
 * up, Quarkus leaves its OTLP exporter out (it steps aside for an application's {@code SpanExporter}), so nothing
 * retries a collector that does not exist. {@code notiflow.tracing.endpoint} is unset unless
 * {@code quarkus.otel.exporter.otlp.endpoint} is (see delivery-core's microprofile-config.properties).
 */
@Singleton
@LookupIfProperty(name = "notiflow.tracing.endpoint", stringValue = "none", lookupIfMissing = true)
public class DiscardingSpanExporter implements SpanExporter {

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
