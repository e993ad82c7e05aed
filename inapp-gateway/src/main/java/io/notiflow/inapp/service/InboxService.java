package io.notiflow.inapp.service;

import io.notiflow.inapp.repository.InboxEntry;
import io.notiflow.inapp.repository.InboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The rules of a user's inbox; every method takes the authenticated user, never a user from the request. */
@ApplicationScoped
public class InboxService {

    private final InboxRepository inbox;

    public InboxService(InboxRepository inbox) {
        this.inbox = inbox;
    }

    public record Page(List<InboxEntry> items, int page, int size, long total, long unread) {
    }

    @Transactional
    public Page page(String user, int page, int size) {
        return new Page(inbox.page(user, page * size, size), page, size, inbox.count(user), inbox.unreadCount(user));
    }

    /** What a socket gets on connect: unread rows, newest first, bounded. */
    @Transactional
    public List<InboxEntry> backlog(String user, int limit) {
        return inbox.unread(user, limit);
    }

    /** A client's ack of row {@code id}; {@code unknown} is run when {@code user} has no such row. */
    public record Ack(String user, UUID id, Runnable unknown) implements InboxRepository.Pairs {
    }

    /**
     * A batch of the clients' acks, in one transaction: the rows go delivered (acking a row that is further along
     * is fine). For an acked id its user does not own, the ack's {@code unknown} runs after the commit.
     */
    public void mark(List<Ack> acks) {
        List<Ack> unknown = QuarkusTransaction.requiringNew().call(() -> {
            Set<InboxRepository.Owned> moved = inbox.markAcked(acks);
            List<Ack> rest = acks.stream().filter(a -> !moved.contains(new InboxRepository.Owned(a.user(), a.id())))
                    .toList();
            if (rest.isEmpty()) {
                return rest;
            }
            Set<InboxRepository.Owned> owned = inbox.owned(rest);
            return rest.stream().filter(a -> !owned.contains(new InboxRepository.Owned(a.user(), a.id()))).toList();
        });
        unknown.forEach(a -> a.unknown().run());
    }

    /** Marks one row read; false when the user has no such row. Reading a read row again is fine. */
    @Transactional
    public boolean read(String user, UUID id) {
        return inbox.markRead(user, id) > 0 || inbox.exists(user, id);
    }

    @Transactional
    public int readAll(String user) {
        return inbox.markAllRead(user);
    }
}
