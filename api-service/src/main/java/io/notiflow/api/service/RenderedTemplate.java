package io.notiflow.api.service;

import io.notiflow.core.job.Channel;

import java.util.Map;

/** A template version rendered with a request's variables: what a notification will carry. */
public record RenderedTemplate(String code, Channel channel, String locale, int version, String subject,
                               String body, String html, String title, Map<String, String> data) {
}
