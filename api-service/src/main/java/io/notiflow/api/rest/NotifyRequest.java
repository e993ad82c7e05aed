package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** Body of POST /api/notify. Which fields apply depends on {@code type}; see {@link io.notiflow.api.service.NotifyValidator}. */
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
        @JsonProperty("request_id") String requestId) {
}
