package io.notiflow.push;

import com.google.firebase.ErrorCode;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import com.google.firebase.messaging.WebpushConfig;
import com.google.firebase.messaging.WebpushFcmOptions;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.DeliveryException;
import io.notiflow.core.worker.PermanentDeliveryException;
import io.notiflow.core.worker.TransientDeliveryException;
import io.notiflow.core.store.Suppression;
import io.notiflow.core.store.SuppressionRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends one push notification to one device token through FCM HTTP v1 (firebase-admin). The job's title and
 * message become the notification, its data map goes along as FCM data, and two data keys also shape the
 * notification: {@value #IMAGE_KEY} (an https image URL shown in the notification) and {@value #LINK_KEY} (the page
 * a browser opens when the notification is clicked, {@code webpush.fcm_options.link}).
 * <p>
 * Failure kinds: an error about this message or this token (UNREGISTERED, INVALID_ARGUMENT, SENDER_ID_MISMATCH,
 * THIRD_PARTY_AUTH_ERROR, other 4xx) is permanent; an UNREGISTERED token is also suppressed ({@code suppressions},
 * source dead-token), so later notifications to it are skipped when they are claimed and FCM is not called again.
 * FCM being down or busy (UNAVAILABLE, INTERNAL, QUOTA_EXCEEDED, 429, 5xx, no answer) is transient, and a
 * Retry-After it gives is passed on so the job waits at least that long. 401 is transient too: it is our
 * credentials, not the message, and a circuit breaker opening is the right signal for it.
 * <p>
 * Note that one {@code send()} may be up to five HTTP requests: the SDK itself retries a 503 four times with
 * exponential back-off (0.5 s, 1 s, 2 s, 4 s) before it reports UNAVAILABLE.
 */
@ApplicationScoped
public class FcmPushSender implements ChannelSender {

    static final String IMAGE_KEY = "image";
    static final String LINK_KEY = "link";

    private static final Set<MessagingErrorCode> PERMANENT = Set.of(MessagingErrorCode.UNREGISTERED,
            MessagingErrorCode.INVALID_ARGUMENT, MessagingErrorCode.SENDER_ID_MISMATCH,
            MessagingErrorCode.THIRD_PARTY_AUTH_ERROR);

    private final FirebaseMessaging messaging;
    private final SuppressionRepository suppressions;

    public FcmPushSender(FirebaseMessaging messaging, SuppressionRepository suppressions) {
        this.messaging = messaging;
        this.suppressions = suppressions;
    }

    @Override
    public Channel channel() {
        return Channel.PUSH;
    }

    @Override
    public String send(DeliveryJob job) {
        String token = job.receiver();
        Message message;
        try {
            message = toMessage(job);
        } catch (IllegalArgumentException e) {
            // The SDK validates before sending (an image URL it cannot use, a reserved data key...).
            throw new PermanentDeliveryException("fcm-invalid-message", oneLine(e.getMessage()), e);
        }
        try {
            return messaging.send(message);
        } catch (FirebaseMessagingException e) {
            DeliveryException failure = classify(e);
            if (e.getMessagingErrorCode() == MessagingErrorCode.UNREGISTERED) {
                QuarkusTransaction.requiringNew().run(() -> suppressions.add(Channel.PUSH, token,
                        "FCM answered " + MessagingErrorCode.UNREGISTERED.name(), Suppression.Source.DEAD_TOKEN,
                        job.notificationId()));
            }
            throw failure;
        }
    }

    static Message toMessage(DeliveryJob job) {
        Map<String, String> data = job.data() == null ? Map.of() : job.data();
        Notification.Builder notification = Notification.builder().setTitle(job.title()).setBody(job.message());
        if (data.get(IMAGE_KEY) != null) {
            notification.setImage(data.get(IMAGE_KEY));
        }
        Message.Builder message = Message.builder()
                .setToken(job.receiver())
                .setNotification(notification.build())
                .putAllData(data);
        if (data.get(LINK_KEY) != null) {
            message.setWebpushConfig(WebpushConfig.builder()
                    .setFcmOptions(WebpushFcmOptions.withLink(data.get(LINK_KEY))).build());
        }
        return message.build();
    }

    static DeliveryException classify(FirebaseMessagingException e) {
        IncomingHttpResponse response = e.getHttpResponse();
        int status = response == null ? 0 : response.getStatusCode();
        MessagingErrorCode fcmCode = e.getMessagingErrorCode();
        // FCM's own code when it gave one; else the platform code (a bare 503 is UNAVAILABLE, no answer UNKNOWN).
        String code = fcmCode != null ? fcmCode.name() : e.getErrorCode().name();
        String errorClass = "fcm-" + code.toLowerCase(Locale.ROOT).replace('_', '-');
        String message = oneLine(e.getMessage()) + (status == 0 ? "" : " (HTTP " + status + ")");
        boolean permanent = fcmCode != null ? PERMANENT.contains(fcmCode)
                : status >= 400 && status < 500 && status != 429 && e.getErrorCode() != ErrorCode.UNAUTHENTICATED;
        if (permanent) {
            return new PermanentDeliveryException(errorClass, message, e);
        }
        Optional<Duration> retryAfter = retryAfter(response);
        return new TransientDeliveryException(errorClass,
                message + retryAfter.map(d -> "; Retry-After " + d.toSeconds() + "s").orElse(""), e,
                retryAfter.orElse(null));
    }

    /** FCM's Retry-After, in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(IncomingHttpResponse response) {
        if (response == null || response.getHeaders() == null) {
            return Optional.empty();
        }
        return response.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(h -> h.getValue() instanceof Collection<?> values
                        ? values.stream().findFirst().map(String::valueOf).orElse(null)
                        : String.valueOf(h.getValue()))
                .filter(v -> v != null && !v.isBlank())
                .findFirst()
                .flatMap(FcmPushSender::parseRetryAfter);
    }

    private static Optional<Duration> parseRetryAfter(String value) {
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(Instant.now(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
