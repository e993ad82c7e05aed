package io.notiflow.push;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.QueuedNotifications;

import java.util.Map;
import java.util.UUID;

/** Queues push notifications the way api-service does (row committed, then the job published) and reads them back. */
public class TestNotifications extends QueuedNotifications {

    public TestNotifications() {
        super(Channel.PUSH);
    }

    /** A fresh device token per test, so the fake's request log tells tests apart. */
    public static String uniqueToken() {
        return "device-" + UUID.randomUUID().toString().replace("-", "");
    }

    public Notification queue(String token, String title, String text, Map<String, String> data) {
        return enqueue(token, row -> {
            row.title = title;
            row.message = text;
            row.data = data;
        });
    }

    public Notification queue(String token) {
        return queue(token, "Hello", "Hello from notiflow", null);
    }
}
