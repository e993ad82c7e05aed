package io.notiflow.sms.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Twilio account and sender (TWILIO_* variables). Everything is optional so the service starts without
 * credentials; a send then fails with {@code twilio-not-configured} until they are set.
 */
@ConfigMapping(prefix = "twilio")
public interface TwilioSettings {

    /** TWILIO_ACCOUNT_SID: the account the messages are sent from (also the API user name). */
    Optional<String> accountSid();

    /** TWILIO_AUTH_TOKEN: the account's secret. Never logged. */
    Optional<String> authToken();

    /** TWILIO_PHONE_NUMBER: the sender number, E.164. */
    Optional<String> phoneNumber();

    /** TWILIO_MESSAGING_SERVICE_SID: a Messaging Service to send through; wins over the phone number. */
    Optional<String> messagingServiceSid();

    /**
     * TWILIO_API_URL: scheme, host and port the SDK's requests go to instead of https://api.twilio.com (a
     * sandbox, the local simulator, a test's fake). Path, form fields and auth stay as the SDK makes them.
     */
    Optional<URI> apiUrl();

    /** Longest wait for Twilio's answer once connected; below the engine's provider timeout. */
    @WithDefault("10s")
    Duration readTimeout();

    default boolean hasCredentials() {
        return accountSid().isPresent() && authToken().isPresent();
    }
}
