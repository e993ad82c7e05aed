package io.notiflow.inapp.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A signed token whose subject can be no user's id (blank, U+0000, longer than a receiver) authenticates nobody:
 * 401 for the inbox API and at the WebSocket upgrade, instead of a query the database refuses.
 */
@ApplicationScoped
public class TokenSubjectCheck implements SecurityIdentityAugmentor {

    /** {@code notifications.receiver} is {@code varchar(512)}. */
    static final int MAX_SUBJECT = 512;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || usable(identity.getPrincipal().getName())) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("the token's subject is not a user id"));
    }

    static boolean usable(String subject) {
        return subject != null && !subject.isBlank() && subject.length() <= MAX_SUBJECT
                && subject.indexOf('\u0000') < 0;
    }
}
