package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.TokenService;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of POST /api/tokens: the user the token is for, and optionally the in-app rooms the user may join. */
public record TokenRequest(
        @Storable @NotNull(message = USER_ID) @Identifier(message = USER_ID) @JsonProperty("user_id") String userId,
        @Storable @Size(max = TokenService.MAX_ROOMS, message = "at most " + TokenService.MAX_ROOMS + " rooms")
        List<@NotNull(message = FieldRules.NOT_AN_IDENTIFIER) @Identifier String> rooms) implements ApiRequest {

    private static final String USER_ID = "is required: 1-128 characters of letters, digits and . _ : @ -";
}
