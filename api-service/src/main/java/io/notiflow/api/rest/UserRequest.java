package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.notiflow.api.service.UserValidator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/users and PUT /api/users/{id}. {@code preferences}: a channel set to false is opted out
 * ({@code {"sms": false}}); {@code "categories": {"marketing": {"email": false}}} opts out of one category only.
 * A blank e-mail, phone or locale is none.
 */
public record UserRequest(
        @Storable @Identifier String id,
        @Storable @EmailAddress String email,
        @Storable @PhoneNumber String phone,
        @Storable @Size(max = UserValidator.MAX_PUSH_TOKENS, message = "holds more than "
                + UserValidator.MAX_PUSH_TOKENS + " tokens") @JsonProperty("push_tokens")
        List<@NotNull(message = "must be a device token, not null") @DeviceToken String> pushTokens,
        @Storable @LanguageTag(blankIsAbsent = true) String locale,
        @Storable @Preferences Map<String, Object> preferences) implements ApiRequest {
}
