package io.notiflow.core.telemetry;

import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.Topology;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One trace per notification, across the broker: the W3C trace context travels in the AMQP headers of a job
 * ({@code traceparent}, {@code tracestate}), is stored with an accepted row (the outbox relay publishes it later,
 * on its own thread), and a worker continues it in a CONSUMER span that holds the provider call.
 */
@ApplicationScoped
public class MessageTracing {

    static final String TRACEPARENT = "traceparent";
    private static final String MESSAGING_SYSTEM = "messaging.system";
    private static final String DESTINATION = "messaging.destination.name";
    private static final String OPERATION = "messaging.operation";
    private static final String NOTIFICATION_ID = "notiflow.notification.id";

    private static final TextMapGetter<Map<String, ?>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, ?> carrier, String key) {
            // AMQP delivers string headers as LongString; toString() gives the text.
            Object value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.toString();
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public MessageTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.notiflow");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The current span's {@code traceparent}, to store with an accepted notification; null outside a trace. */
    public String currentTraceParent() {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * Starts the PRODUCER span of a fresh job's publish, continuing the trace the job was accepted in
     * ({@code traceParent}, or the current context when null), and writes its context into {@code headers}; the
     * caller ends it once the broker confirmed (or refused) the job.
     */
    public Span startPublishing(Channel channel, UUID notificationId, String traceParent,
                                Map<String, Object> headers) {
        Context parent = traceParent == null ? Context.current()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceParent),
                HEADERS);
        Span span = tracer.spanBuilder(Topology.WORK_EXCHANGE + " publish").setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(MESSAGING_SYSTEM, "rabbitmq")
                .setAttribute(DESTINATION, Topology.workQueue(channel))
                .setAttribute(OPERATION, "publish")
                .setAttribute(NOTIFICATION_ID, String.valueOf(notificationId))
                .startSpan();
        propagator.inject(parent.with(span), headers, (carrier, key, value) -> carrier.put(key, value));
        return span;
    }

    /**
     * Starts the CONSUMER span of one job taken off {@code channel}'s work queue, as a child of the context in its
     * headers (a new trace when they carry none). The caller makes it current and ends it.
     */
    public Span startProcessing(Channel channel, Map<String, ?> headers) {
        Context parent = propagator.extract(Context.root(), headers == null ? Map.of() : headers, HEADERS);
        return tracer.spanBuilder(Topology.workQueue(channel) + " process").setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "rabbitmq")
                .setAttribute(DESTINATION, Topology.workQueue(channel))
                .setAttribute(OPERATION, "process")
                .setAttribute(NOTIFICATION_ID, String.valueOf(headers == null ? null
                        : HEADERS.get(headers, "x-notification-id")))
                .startSpan();
    }

    /** Runs the provider call in a CLIENT span under the current one; a failure marks the span and is rethrown. */
    public <T> T providerCall(Channel channel, Supplier<T> call) {
        Span span = tracer.spanBuilder(channel.key() + " send").setSpanKind(SpanKind.CLIENT).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return call.get();
        } catch (RuntimeException | Error e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Marks a span failed with the exception's class and message. */
    public static void failed(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    }
}
