package io.notiflow.inapp.delivery;

import io.notiflow.inapp.socket.NotificationFrame;

/** What travels on the fanout exchange to every gateway instance: who gets it, and the frame they get. */
public record FanoutMessage(String receiver, NotificationFrame frame) {
}
