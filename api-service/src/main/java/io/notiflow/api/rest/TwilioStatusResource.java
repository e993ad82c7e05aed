package io.notiflow.api.rest;

import com.twilio.security.RequestValidator;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.core.store.ProviderReceipts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestHeader;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Twilio's status callbacks ({@code StatusCallback}, set by sms-worker on every message to PUBLIC_BASE_URL +
 * {@value #PATH} + {@code ?id=<notification>}). Each one must carry a valid {@code X-Twilio-Signature} (the SDK's
 * {@link RequestValidator}, over PUBLIC_BASE_URL and the form fields, keyed with TWILIO_AUTH_TOKEN); a missing or
 * bad one is a 403 and changes nothing. No X-API-Key: the signature is the credential. {@code delivered} moves the
 * notification to delivered, {@code undelivered} and {@code failed} to failed with {@code twilio-<ErrorCode>};
 * the other statuses (queued, sending, sent) are acknowledged and change nothing.
 */
@Path(TwilioStatusResource.PATH)
public class TwilioStatusResource {

    static final String PATH = "/api/providers/twilio/status";
    private static final Logger LOG = Logger.getLogger(TwilioStatusResource.class);

    private final ProviderReceipts receipts;
    private final Optional<String> baseUrl;
    private final Optional<RequestValidator> validator;

    /**
     * {@code publicBaseUrl}: PUBLIC_BASE_URL, api-service's externally visible base URL, the one sms-worker gives
     * Twilio and so the one the signatures are computed over; {@code authToken}: TWILIO_AUTH_TOKEN, the key Twilio
     * signs with. Without both no callback can be verified, so every one is a 403.
     */
    public TwilioStatusResource(ProviderReceipts receipts,
                                @ConfigProperty(name = "public-base-url") Optional<String> publicBaseUrl,
                                @ConfigProperty(name = "twilio.auth-token") Optional<String> authToken) {
        this.receipts = receipts;
        this.baseUrl = publicBaseUrl.filter(u -> !u.isBlank()).map(u -> u.trim().replaceAll("/+$", ""));
        this.validator = authToken.filter(t -> !t.isBlank()).map(t -> new RequestValidator(t.trim()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Twilio's signed status callback for one SMS (X-Twilio-Signature; no API key)")
    @RequestBody(required = true)
    @APIResponse(responseCode = "204", description = "Recorded (or a repeat, or a status that changes nothing)")
    public Response status(String body, @RestHeader("X-Twilio-Signature") String signature,
                           @Context UriInfo uri) {
        if (validator.isEmpty() || baseUrl.isEmpty()) {
            return Problems.of(403, "status callbacks cannot be verified: PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN"
                    + " must both be set");
        }
        Map<String, String> form = form(body);
        String query = uri.getRequestUri().getRawQuery();
        String url = baseUrl.get() + PATH + (query == null ? "" : "?" + query);
        if (signature == null || signature.isBlank()) {
            return Problems.of(403, "X-Twilio-Signature is missing");
        }
        if (form == null || !validator.get().validate(url, form, signature.trim())) {
            return Problems.of(403, "X-Twilio-Signature does not match this request (signed with another"
                    + " TWILIO_AUTH_TOKEN, or for another URL than PUBLIC_BASE_URL " + baseUrl.get() + ")");
        }
        UUID id = notificationId(uri.getQueryParameters().getFirst("id"));
        String sid = form.get("MessageSid");
        String status = form.get("MessageStatus");
        if (id == null || sid == null || sid.isBlank() || status == null || status.isBlank()) {
            throw new InvalidRequestException(missing(id, sid, status));
        }
        ProviderReceipts.Outcome outcome = switch (status) {
            case "delivered" -> receipts.delivered(id, sid);
            case "undelivered", "failed" -> {
                String code = form.get("ErrorCode");
                String errorClass = "twilio-" + (code == null || code.isBlank() ? status : code.trim());
                yield receipts.notDelivered(id, sid, "twilio", status, errorClass, "Twilio reported the message "
                        + status);
            }
            default -> ProviderReceipts.Outcome.REPEATED; // queued, sending, sent: not a final word
        };
        return switch (outcome) {
            case APPLIED, REPEATED -> {
                LOG.debugf("Twilio status %s for notification %s (%s): %s", status, id, sid, outcome);
                yield Response.noContent().build();
            }
            case UNKNOWN_NOTIFICATION -> Problems.of(404, "no notification with id " + id);
            case OTHER_MESSAGE -> Problems.of(409, "notification " + id + " was not sent as message " + sid);
        };
    }

    private static Map<String, String> missing(UUID id, String sid, String status) {
        Map<String, String> fields = new HashMap<>();
        if (id == null) {
            fields.put("id", "the callback URL must carry the notification's id (?id=<uuid>)");
        }
        if (sid == null || sid.isBlank()) {
            fields.put("MessageSid", "is required");
        }
        if (status == null || status.isBlank()) {
            fields.put("MessageStatus", "is required");
        }
        return fields;
    }

    private static UUID notificationId(String raw) {
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The form's fields (Twilio sends each once); null when it is not valid form encoding. */
    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return fields;
        }
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.put(key, value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return fields;
    }
}
