package io.notiflow.sms;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.QueuedNotifications;

/** Queues SMS notifications the way api-service does (row committed, then the job published) and reads them back. */
public class TestNotifications extends QueuedNotifications {

    public TestNotifications() {
        super(Channel.SMS);
    }

    public Notification queue(String to, String text) {
        return enqueue(to, row -> row.message = text);
    }

    public Notification queue(String to) {
        return queue(to, "Your code is 123456");
    }
}
