package io.notiflow.inapp.delivery;

import io.notiflow.core.job.InappTarget;
import io.notiflow.inapp.socket.NotificationFrame;

/** What travels on the fanout exchange to every gateway instance: whom it is for, and the frame they get. */
public record FanoutMessage(InappTarget target, NotificationFrame frame) {
}
