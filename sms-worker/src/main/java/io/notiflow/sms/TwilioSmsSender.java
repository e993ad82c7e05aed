package io.notiflow.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.DeliveryException;
import io.notiflow.core.worker.PermanentDeliveryException;
import io.notiflow.core.worker.TransientDeliveryException;
import io.notiflow.sms.config.TwilioSettings;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Optional;

/**
 * Sends one SMS through the Twilio Messages API (the official SDK) and returns the message SID. Twilio's HTTP
 * status decides the failure kind: 4xx (invalid or unreachable number 21211, unsubscribed 21610, blocked 21614,
 * bad credentials, ...) is permanent, 429 and 5xx are worth retrying, and so is anything that is not an answer
 * (refused connection, timeout). With PUBLIC_BASE_URL set, each message asks for Twilio's status callbacks, which
 * api-service turns into delivered or failed.
 */
@ApplicationScoped
public class TwilioSmsSender implements ChannelSender {

    /** Where api-service takes Twilio's status callbacks (TwilioStatusResource there). */
    static final String STATUS_CALLBACK_PATH = "/api/providers/twilio/status";

    private final TwilioRestClient twilio;
    private final TwilioSettings settings;
    /** PUBLIC_BASE_URL + {@link #STATUS_CALLBACK_PATH}; empty: no status callbacks asked for. */
    private final Optional<String> statusCallback;

    public TwilioSmsSender(TwilioRestClient twilio, TwilioSettings settings,
                           @ConfigProperty(name = "public-base-url") Optional<String> publicBaseUrl) {
        this.twilio = twilio;
        this.settings = settings;
        this.statusCallback = publicBaseUrl.filter(u -> !u.isBlank())
                .map(u -> u.trim().replaceAll("/+$", "") + STATUS_CALLBACK_PATH);
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public String send(DeliveryJob job) {
        MessageCreator creator = creatorFor(new PhoneNumber(job.receiver()), job.message());
        // The notification's id rides in the URL Twilio signs, so the callback finds its row by key.
        statusCallback.ifPresent(url -> creator.setStatusCallback(URI.create(url + "?id=" + job.notificationId())));
        try {
            return creator.create(twilio).getSid();
        } catch (RuntimeException e) {
            throw classify(e);
        }
    }

    private MessageCreator creatorFor(PhoneNumber to, String body) {
        if (!settings.hasCredentials()) {
            throw notConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set");
        }
        if (settings.messagingServiceSid().isPresent()) {
            return Message.creator(to, settings.messagingServiceSid().get(), body);
        }
        return Message.creator(to, new PhoneNumber(settings.phoneNumber()
                .orElseThrow(() -> notConfigured("neither TWILIO_MESSAGING_SERVICE_SID nor TWILIO_PHONE_NUMBER is set"))),
                body);
    }

    /** Transient: once the operator sets the variables and restarts the worker, the waiting jobs go out. */
    private static TransientDeliveryException notConfigured(String what) {
        return new TransientDeliveryException("twilio-not-configured", what, null);
    }

    static DeliveryException classify(RuntimeException failure) {
        if (failure instanceof ApiException api && api.getStatusCode() != null) {
            int status = api.getStatusCode();
            String errorClass = "twilio-" + (api.getCode() != null ? api.getCode() : status);
            String message = "HTTP " + status + ": " + oneLine(api.getMessage());
            boolean retryable = status == 429 || status >= 500 || status < 400;
            return retryable ? new TransientDeliveryException(errorClass, message, failure)
                    : new PermanentDeliveryException(errorClass, message, failure);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return new TransientDeliveryException("twilio-timeout", "Twilio did not answer in time", failure);
            }
            if (t instanceof IOException || t instanceof ApiConnectionException) {
                return new TransientDeliveryException("twilio-connection",
                        t.getClass().getSimpleName() + ": " + oneLine(t.getMessage()), failure);
            }
        }
        // An answer the SDK could not read (not JSON, say): nothing says a retry would fail again.
        return new TransientDeliveryException("twilio-error",
                failure.getClass().getSimpleName() + ": " + oneLine(failure.getMessage()), failure);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
