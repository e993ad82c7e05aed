package io.notiflow.inapp.socket;

/** Client → server: {@code {"type":"ack","id":"<uuid>"}} or {@code {"type":"read","id":"<uuid>"}}. */
public record ClientFrame(String type, String id) {
}
