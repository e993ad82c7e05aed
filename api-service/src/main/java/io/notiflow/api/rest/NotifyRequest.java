package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/notify. Which fields apply depends on {@code type}; see
 * {@link io.notiflow.api.service.NotifyValidator}.
 * Instead of {@code to} and the text: {@code user_id} or {@code user_ids} (addresses from the users' records, their
 * preferences respected, optionally for a {@code category}) and/or {@code template_code} with {@code variables};
 * see {@link io.notiflow.api.service.RecipientPlanner}. {@code to} may also be a list ({@link Recipients}).
 */
@TypeFields
public record NotifyRequest(
        @Storable @ChannelName(required = true) String type,
        @Storable Recipients to,
        @Storable String subject,
        @Storable String message,
        @Storable String html,
        @Storable String title,
        @Storable Map<String, String> data,
        @Storable String room,
        Boolean broadcast,
        @Storable @Identifier @JsonProperty("user_id") String userId,
        @Storable @JsonProperty("request_id") String requestId,
        @Storable @Size(min = 1, message = "must name at least one user")
        @Size(max = MAX_RECIPIENTS, message = "names more than " + MAX_RECIPIENTS + " users; split the request")
        @JsonProperty("user_ids")
        List<@NotNull(message = "must be a user id, not null") @Identifier String> userIds,
        @Storable @Identifier @JsonProperty("template_code") String templateCode,
        @Storable Map<String, Object> variables,
        @Storable @Identifier String category) implements ApiRequest {

    /** Users (user_ids) or addresses (a to list) one request may name. */
    public static final int MAX_RECIPIENTS = 1000;

    /** The same request for one recipient and with the given content (what a template rendered to). */
    public NotifyRequest single(String to, String room, Boolean broadcast, String userId, String subject,
                                String message, String html, String title, Map<String, String> data) {
        return new NotifyRequest(type, to == null ? null : Recipients.one(to), subject, message, html, title, data,
                room, broadcast, userId, requestId, null, null, null, null);
    }
}
