package io.notiflow.email;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.QueuedNotifications;

import java.util.UUID;

/** Queues email notifications the way api-service does (row committed, then the job published) and reads them back. */
public class TestNotifications extends QueuedNotifications {

    public TestNotifications() {
        super(Channel.EMAIL);
    }

    /** A fresh recipient per test, so GreenMail's mailbox tells tests apart. */
    public static String uniqueAddress() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    public Notification queue(String to, String subject, String text, String html) {
        return enqueue(to, row -> {
            row.subject = subject;
            row.message = text;
            row.html = html;
        });
    }

    /** Queued as api-service would have accepted it within the trace of {@code traceParent}. */
    public Notification queueTraced(String to, String traceParent) {
        return enqueue(to, row -> {
            row.subject = "Traced";
            row.message = "Hello";
            row.traceParent = traceParent;
        });
    }

    /** A queued row no job was published for, for tests that drive the status writes themselves. */
    public Notification storedOnly(String to) {
        return store(to, row -> {
            row.subject = "Hello";
            row.message = "Hello from notiflow";
        });
    }

    public Notification queue(String to) {
        return queue(to, "Hello", "Hello from notiflow", null);
    }
}
