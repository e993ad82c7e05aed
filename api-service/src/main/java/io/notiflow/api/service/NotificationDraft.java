package io.notiflow.api.service;

import io.notiflow.core.job.Channel;

import java.util.Map;

/** A validated, normalised notification ready to be stored. */
public record NotificationDraft(Channel type, String receiver, String subject, String title, String message,
                                String html, Map<String, String> data, String userId, String requestId) {
}
