package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code to} of POST /api/notify: one address ({@code "to":"a@b.co"}) or a list of them
 * ({@code "to":["a@b.co","c@d.co"]}, each a notification of its own). Read here, once: anything but a string, or a
 * list of strings, is a 400 naming {@code to} or {@code to[i]}. Written back as it came (the idempotency hash).
 */
@JsonDeserialize(using = Recipients.Reader.class)
@Schema(oneOf = {String.class, String[].class},
        description = "The recipient's address, or a list of addresses (one notification each)")
public record Recipients(List<String> addresses, boolean listed) {

    public static Recipients one(String address) {
        return new Recipients(List.of(address), false);
    }

    /** The one address of a single recipient; null for a list. */
    public String address() {
        return listed ? null : addresses.get(0);
    }

    @JsonValue
    Object json() {
        return listed ? addresses : addresses.get(0);
    }

    static final class Reader extends StdDeserializer<Recipients> {

        Reader() {
            super(Recipients.class);
        }

        @Override
        public Recipients deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return one(p.getText());
            }
            if (!p.isExpectedStartArrayToken()) {
                return (Recipients) ctxt.handleUnexpectedToken(String.class, p);
            }
            List<String> addresses = new ArrayList<>();
            for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
                if (token != JsonToken.VALUE_STRING) {
                    try {
                        ctxt.handleUnexpectedToken(String.class, p);
                    } catch (JsonMappingException e) {
                        throw JsonMappingException.wrapWithPath(e, addresses, addresses.size());
                    }
                }
                addresses.add(p.getText());
            }
            return new Recipients(List.copyOf(addresses), true);
        }
    }
}
