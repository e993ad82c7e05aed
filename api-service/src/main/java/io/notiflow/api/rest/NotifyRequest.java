package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/notify. Which fields apply depends on {@code type}; see {@link io.notiflow.api.service.NotifyValidator}.
 * Instead of {@code to} and the text: {@code user_id} or {@code user_ids} (addresses from the users' records, their
 * preferences respected, optionally for a {@code category}) and/or {@code template_code} with {@code variables};
 * see {@link io.notiflow.api.service.RecipientPlanner}. {@code to} may also be a list (read by {@link NotifyResource}).
 */
public record NotifyRequest(
        String type,
        String to,
        String subject,
        String message,
        String html,
        String title,
        Map<String, String> data,
        String room,
        Boolean broadcast,
        @JsonProperty("user_id") String userId,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("user_ids") List<String> userIds,
        @JsonProperty("template_code") String templateCode,
        Map<String, Object> variables,
        String category) {

    /** The same request for one recipient and with the given content (what a template rendered to). */
    public NotifyRequest single(String to, String room, Boolean broadcast, String userId, String subject,
                                String message, String html, String title, Map<String, String> data) {
        return new NotifyRequest(type, to, subject, message, html, title, data, room, broadcast, userId, requestId,
                null, null, null, null);
    }
}
