package io.notiflow.sms.client;

import com.twilio.http.TwilioRestClient;
import io.notiflow.sms.config.TwilioSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The one {@link TwilioRestClient} of the service, built from {@link TwilioSettings}. */
@ApplicationScoped
public class TwilioClientProducer {

    private static final Logger LOG = Logger.getLogger(TwilioClientProducer.class);

    @Produces
    @Singleton
    TwilioRestClient twilioRestClient(TwilioSettings settings) {
        if (!settings.hasCredentials()) {
            LOG.warn("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set: SMS sends fail (twilio-not-configured) "
                    + "until they are; set TWILIO_API_URL to the local provider simulator to try the platform");
        }
        if (settings.messagingServiceSid().isEmpty() && settings.phoneNumber().isEmpty()) {
            LOG.warn("neither TWILIO_MESSAGING_SERVICE_SID nor TWILIO_PHONE_NUMBER is set: SMS sends fail "
                    + "(twilio-not-configured) until one is");
        }
        LOG.infof("Twilio API at %s, sending %s", settings.apiUrl().map(Object::toString)
                        .orElse("https://api.twilio.com"),
                settings.messagingServiceSid().map(sid -> "through Messaging Service " + sid)
                        .or(() -> settings.phoneNumber().map(number -> "from " + number)).orElse("from nowhere"));
        // Region and edge stay unset: the SDK would fold them into the host name, also a TWILIO_API_URL one.
        return new TwilioRestClient.Builder(settings.accountSid().orElse(null), settings.authToken().orElse(null))
                .httpClient(new TwilioHttpClient(settings.apiUrl(), settings.readTimeout()))
                .build();
    }
}
