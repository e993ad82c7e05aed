package io.notiflow.api.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.notiflow.api.rest.ApiRequest;
import io.notiflow.api.service.FieldRules;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Request JSON is read strictly: a number or boolean where the contract says string (an address, a data value)
 * is an input error, not something to turn silently into text. A request body ({@link ApiRequest}) is read in the
 * same single pass with two more rules: every field it does not have is named (Jackson alone stops at the first),
 * and nothing but whitespace may follow the object. Both are a {@link InvalidBody}.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** The unknown fields of the body being read, a per-read attribute of Jackson's context. */
    private static final Object UNKNOWN = new Object();

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("request-bodies").setDeserializerModifier(new BodyModifier()));
        mapper.addHandler(new UnknownFields());
    }

    /** Wraps the deserializer of each {@link ApiRequest} record in {@link Body}. */
    private static final class BodyModifier extends BeanDeserializerModifier {

        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                                                      JsonDeserializer<?> deserializer) {
            return ApiRequest.class.isAssignableFrom(bean.getBeanClass()) ? new Body(deserializer) : deserializer;
        }
    }

    /** A body that breaks one of the rules above: each offending field (or {@code body}) with its problem. */
    public static final class InvalidBody extends MismatchedInputException {

        private final transient Map<String, String> fields;

        InvalidBody(JsonParser parser, Map<String, String> fields) {
            super(parser, "invalid request body: " + fields.keySet(), (Class<?>) null);
            this.fields = fields;
        }

        public Map<String, String> fields() {
            return fields;
        }
    }

    /** Reads a request body as Jackson would, then applies the two rules. */
    private static final class Body extends DelegatingDeserializer {

        Body(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Body(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Map<String, String> unknown = new LinkedHashMap<>();
            ctxt.setAttribute(UNKNOWN, unknown);
            Object value = super.deserialize(p, ctxt);
            if (!unknown.isEmpty()) {
                throw new InvalidBody(p, unknown);
            }
            if (p.getParsingContext().inRoot()) {
                rejectTrailingData(p);
            }
            return value;
        }

        private static void rejectTrailingData(JsonParser p) throws IOException {
            try {
                if (p.nextToken() == null) {
                    return;
                }
            } catch (StreamReadException e) {
                // garbage after the object: still data after it
            }
            throw new InvalidBody(p, Map.of("body", "has data after the JSON value (line "
                    + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr()
                    + "); send exactly one JSON object"));
        }
    }

    /** Notes a field the body does not have and skips its value, so the read goes on to find the others. */
    private static final class UnknownFields extends DeserializationProblemHandler {

        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             JsonDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) throws IOException {
            if (!(ctxt.getAttribute(UNKNOWN) instanceof Map<?, ?> unknown)) {
                return false;
            }
            String known = deserializer.getKnownPropertyNames().stream().map(String::valueOf)
                    .collect(Collectors.joining(", "));
            ((Map<String, String>) unknown).put(FieldRules.printable(propertyName),
                    "is not a field of this request (fields: " + known + ")");
            p.skipChildren();
            return true;
        }
    }
}
