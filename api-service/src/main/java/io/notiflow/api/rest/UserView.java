package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.notiflow.api.repository.User;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON view of a user; {@code dead_push_tokens} are the ones the push worker found unregistered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(String id, String email, String phone,
                       @JsonProperty("push_tokens") List<String> pushTokens,
                       @JsonProperty("dead_push_tokens") List<String> deadPushTokens,
                       String locale, Map<String, Object> preferences,
                       @JsonProperty("created_at") OffsetDateTime createdAt,
                       @JsonProperty("updated_at") OffsetDateTime updatedAt) {

    public static UserView of(User u, Set<String> deadTokens) {
        List<String> dead = u.pushTokens.stream().filter(deadTokens::contains).toList();
        return new UserView(u.id, u.email, u.phone, List.copyOf(u.pushTokens), dead.isEmpty() ? null : dead,
                u.locale, u.preferences, u.createdAt, u.updatedAt);
    }
}
