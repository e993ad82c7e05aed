package io.notiflow.api.service;

import io.notiflow.api.repository.User;
import io.notiflow.api.rest.UserRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import static io.notiflow.api.service.FieldRules.isBlank;

/**
 * The rules of POST/PUT /api/users that span more than one field, and the normal forms a user is stored in: the
 * id (required, and the path's), the E.164 phone, the canonical language tag, each device token once, and
 * the preferences. The field shapes themselves are the constraints on {@link UserRequest}, the same rules
 * as a notification's recipient ({@link FieldRules}).
 */
@ApplicationScoped
public class UserValidator {

    public static final int MAX_PUSH_TOKENS = 50;

    /** An unsaved user from a valid request; {@code pathId} is the id of PUT /api/users/{id}, else null. */
    public User validate(UserRequest request, String pathId) {
        Map<String, String> errors = new LinkedHashMap<>();
        String id = pathId != null ? pathId : request.id();
        if (pathId != null && request.id() != null && !pathId.equals(request.id())) {
            errors.put("id", "differs from the id in the path");
        } else if (isBlank(id)) {
            errors.put("id", "is required: your own id for the user");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        User user = new User();
        user.id = id;
        user.email = isBlank(request.email()) ? null : request.email();
        user.phone = isBlank(request.phone()) ? null : FieldRules.e164(request.phone());
        user.pushTokens = request.pushTokens() == null ? new LinkedHashSet<>()
                : new LinkedHashSet<>(request.pushTokens());
        user.locale = isBlank(request.locale()) ? null : FieldRules.canonicalLocale(request.locale());
        user.preferences = request.preferences() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(request.preferences());
        return user;
    }
}
