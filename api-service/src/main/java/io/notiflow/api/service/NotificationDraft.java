package io.notiflow.api.service;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.TargetKind;

import java.util.Map;

/** A validated, normalised notification ready to be stored; {@code targetKind} only for in-app. */
public record NotificationDraft(Channel type, String receiver, String subject, String title, String message,
                                String html, Map<String, String> data, String userId, TargetKind targetKind) {
}
