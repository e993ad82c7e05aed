package io.notiflow.api.service;

import io.notiflow.api.repository.User;
import io.notiflow.api.repository.UserRepository;
import io.notiflow.core.job.Channel;
import io.notiflow.core.store.SuppressionRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/** The customer's users: their addresses, device tokens, locale and channel preferences. */
@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final SuppressionRepository suppressions;

    public UserService(UserRepository users, SuppressionRepository suppressions) {
        this.users = users;
        this.suppressions = suppressions;
    }

    /** A user with the tokens of theirs that are suppressed (FCM answered UNREGISTERED, or an operator said so). */
    public record Found(User user, Set<String> deadTokens) {
    }

    /** Stores a new user; 409 when the id is taken. */
    public Found create(User draft) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (users.findByIdOptional(draft.id).isPresent()) {
                    throw taken(draft.id);
                }
                OffsetDateTime now = now();
                draft.createdAt = now;
                draft.updatedAt = now;
                users.persist(draft);
                users.flush();
                return new Found(draft, deadTokens(draft.pushTokens));
            });
        } catch (PersistenceException e) {
            if (UniqueViolation.causes(e)) {
                throw taken(draft.id); // created by a concurrent request
            }
            throw e;
        }
    }

    @Transactional
    public Found get(String id) {
        User user = find(id);
        return new Found(user, deadTokens(user.pushTokens));
    }

    /** Replaces everything about the user but its id and creation time. */
    @Transactional
    public Found replace(User draft) {
        User user = find(draft.id);
        user.email = draft.email;
        user.phone = draft.phone;
        user.locale = draft.locale;
        user.preferences = draft.preferences;
        user.pushTokens.retainAll(draft.pushTokens);
        user.pushTokens.addAll(draft.pushTokens);
        user.updatedAt = now();
        return new Found(user, deadTokens(user.pushTokens));
    }

    @Transactional
    public void delete(String id) {
        if (!users.deleteById(id)) {
            throw notFound(id);
        }
    }

    @Transactional
    public Found addToken(String id, String token) {
        User user = find(id);
        if (user.pushTokens.size() >= UserValidator.MAX_PUSH_TOKENS && !user.pushTokens.contains(token)) {
            throw InvalidRequestException.of("token", "the user already has " + UserValidator.MAX_PUSH_TOKENS
                    + " device tokens; remove one first");
        }
        if (user.pushTokens.add(token)) {
            user.updatedAt = now();
        }
        return new Found(user, deadTokens(user.pushTokens));
    }

    @Transactional
    public void removeToken(String id, String token) {
        User user = find(id);
        if (!user.pushTokens.remove(token)) {
            throw new NotFoundException("user " + id + " has no such device token");
        }
        user.updatedAt = now();
    }

    private User find(String id) {
        return users.findByIdOptional(id).orElseThrow(() -> notFound(id));
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no user with id " + id);
    }

    private static ClientErrorException taken(String id) {
        return new ClientErrorException("a user with id " + id + " exists already; PUT /api/users/" + id
                + " changes it", Response.Status.CONFLICT);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private Set<String> deadTokens(java.util.Collection<String> tokens) {
        return suppressions.suppressed(Channel.PUSH, tokens);
    }
}
