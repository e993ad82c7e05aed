package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/users and PUT /api/users/{id}. {@code preferences}: a channel set to false is opted out
 * ({@code {"sms": false}}); {@code "categories": {"marketing": {"email": false}}} opts out of one category only.
 */
public record UserRequest(
        String id,
        String email,
        String phone,
        @JsonProperty("push_tokens") List<String> pushTokens,
        String locale,
        Map<String, Object> preferences) {
}
