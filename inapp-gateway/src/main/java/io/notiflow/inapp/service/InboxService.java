package io.notiflow.inapp.service;

import io.notiflow.core.store.InboxEntry;
import io.notiflow.core.store.InboxStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.UUID;

/** The rules of a user's inbox; every method takes the authenticated user, never a user from the request. */
@ApplicationScoped
public class InboxService {

    private final InboxStore inbox;

    public InboxService(InboxStore inbox) {
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

    /**
     * A client's ack of row {@code id}: the row goes delivered (acking a row that is further along is fine), written
     * in a batch off the caller's thread. {@code unknown} runs, after the batch, when {@code user} has no such row.
     */
    public void acknowledge(String user, UUID id, Runnable unknown) {
        inbox.acknowledge(user, id, unknown);
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
