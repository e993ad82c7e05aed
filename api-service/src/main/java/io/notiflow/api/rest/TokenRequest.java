package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Body of POST /api/tokens: the user the token is for, and optionally the in-app rooms the user may join. */
public record TokenRequest(@JsonProperty("user_id") String userId, List<String> rooms) {
}
