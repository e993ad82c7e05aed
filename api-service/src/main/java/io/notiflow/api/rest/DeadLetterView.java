package io.notiflow.api.rest;

import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.DeadLetterQueue.DeadLetter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

/** One parked job as GET /api/dlq/{channel} shows it: why it was parked, whose it is, and what it says. */
public record DeadLetterView(String notificationId, String correlationId, String errorClass, String errorMessage,
                             String failureKind, Integer attempts, String lastAttemptAt, Summary job,
                             Map<String, String> headers) {

    private static final int SUMMARY_CHARS = 200;

    /** The job's body, shortened; {@code raw} only when the body is not a readable job. */
    public record Summary(String receiver, String subject, String title, String message, String raw) {
    }

    public static DeadLetterView of(DeadLetter letter) {
        Map<String, String> headers = new TreeMap<>();
        letter.headers().forEach((k, v) -> headers.put(k, String.valueOf(v)));
        Summary summary = letter.job().map(DeadLetterView::summary)
                .orElseGet(() -> new Summary(null, null, null, null,
                        shorten(new String(letter.body(), StandardCharsets.UTF_8))));
        return new DeadLetterView(letter.notificationId().map(Object::toString).orElse(null), letter.correlationId(),
                letter.errorClass(), letter.header(JobHeaders.ERROR_MESSAGE), letter.header(JobHeaders.FAILURE_KIND),
                letter.attempts(), letter.header(JobHeaders.LAST_ATTEMPT_AT), summary, headers);
    }

    /** The whole listing: the queue's depth, and the jobs shown (oldest first, at most the asked limit). */
    public record Listing(String channel, String queue, long depth, int shown, List<DeadLetterView> messages) {
    }

    private static Summary summary(DeliveryJob job) {
        return new Summary(job.receiver(), shorten(job.subject()), shorten(job.title()), shorten(job.message()), null);
    }

    private static String shorten(String text) {
        if (text == null || text.length() <= SUMMARY_CHARS) {
            return text;
        }
        return text.substring(0, SUMMARY_CHARS) + "…";
    }
}
