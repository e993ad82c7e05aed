package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.util.List;

/**
 * Body of POST /api/dlq/{channel}/replay: exactly one of {@code {"all":true}}, {@code {"ids":["<uuid>",...]}} or
 * {@code {"error_class":"smtp-550"}} ({@link io.notiflow.api.service.ReplaySelector}). {@code all} is JSON's
 * {@code true} itself: a replay of everything is never read from {@code 1} or {@code "true"}.
 */
public record ReplayRequest(@JsonDeserialize(using = ReplayRequest.JsonBoolean.class) Boolean all,
                            @Storable List<String> ids,
                            @Storable @JsonProperty("error_class") String errorClass) implements ApiRequest {

    static final class JsonBoolean extends StdDeserializer<Boolean> {

        JsonBoolean() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                return token == JsonToken.VALUE_TRUE;
            }
            return (Boolean) ctxt.handleUnexpectedToken(Boolean.class, p);
        }
    }
}
