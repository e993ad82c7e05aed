package io.notiflow.api.service;

import io.notiflow.api.repository.User;
import io.notiflow.api.rest.UserRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static io.notiflow.api.service.FieldRules.isBlank;

/**
 * The input rules of POST/PUT /api/users: the same address rules as a notification's recipient (e-mail, E.164
 * phone normalised, device tokens), a language tag, and well-formed preferences. One 400 names every bad field.
 */
@ApplicationScoped
public class UserValidator {

    static final int MAX_PUSH_TOKENS = 50;

    /** An unsaved user from a valid request; {@code pathId} is the id of PUT /api/users/{id}, else null. */
    public User validate(UserRequest request, String pathId) {
        if (request == null) {
            throw InvalidRequestException.of("body", "a JSON object is required");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        String id = null;
        if (pathId != null && request.id() != null && !pathId.equals(request.id())) {
            errors.put("id", "differs from the id in the path");
        } else if (pathId == null && isBlank(request.id())) {
            errors.put("id", "is required: your own id for the user");
        } else {
            id = FieldRules.identifier("id", pathId != null ? pathId : request.id(), errors);
        }
        String email = isBlank(request.email()) ? null : FieldRules.email("email", request.email(), errors);
        String phone = isBlank(request.phone()) ? null : FieldRules.phone("phone", request.phone(), errors);
        Set<String> tokens = new LinkedHashSet<>();
        if (request.pushTokens() != null) {
            if (request.pushTokens().size() > MAX_PUSH_TOKENS) {
                errors.put("push_tokens", "holds more than " + MAX_PUSH_TOKENS + " tokens");
            } else {
                for (int i = 0; i < request.pushTokens().size(); i++) {
                    String token = request.pushTokens().get(i);
                    String field = "push_tokens[" + i + "]";
                    if (token == null) {
                        errors.put(field, "must be a device token, not null");
                    } else if (FieldRules.deviceToken(field, token, errors) != null) {
                        tokens.add(token);
                    }
                }
            }
        }
        String locale = isBlank(request.locale()) ? null : FieldRules.locale("locale", request.locale(), errors);
        Map<String, Object> preferences = ChannelPreferences.validate(request.preferences(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        User user = new User();
        user.id = id;
        user.email = email;
        user.phone = phone;
        user.pushTokens = tokens;
        user.locale = locale;
        user.preferences = preferences;
        return user;
    }

    /** One device token, for POST /api/users/{id}/push_tokens. */
    public String token(String token) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (isBlank(token)) {
            throw InvalidRequestException.of("token", "is required: the device registration token");
        }
        FieldRules.deviceToken("token", token, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return token;
    }
}
