package io.notiflow.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import io.notiflow.core.worker.DeliveryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Twilio failures are worth a retry and which go straight to the dead-letter queue. */
class TwilioSmsSenderTest {

    @ParameterizedTest(name = "HTTP {0}, code {1} -> {2}")
    @CsvSource({
            // invalid 'To' number, unsubscribed recipient, blocked, unreachable/landline, bad sender
            "400, 21211, permanent, twilio-21211",
            "400, 21610, permanent, twilio-21610",
            "400, 21614, permanent, twilio-21614",
            "400, 21408, permanent, twilio-21408",
            "401, 20003, permanent, twilio-20003",
            "404, 20404, permanent, twilio-20404",
            "429, 20429, transient, twilio-20429",
            "500, 20500, transient, twilio-20500",
            "503, 20503, transient, twilio-20503",
    })
    void classifiesApiErrorsByStatus(int status, int code, String kind, String errorClass) {
        DeliveryException classified = TwilioSmsSender.classify(
                new ApiException("Twilio says no", code, null, status, null, null, null, null));

        assertThat(classified.isPermanent()).isEqualTo(kind.equals("permanent"));
        assertThat(classified.errorClass()).isEqualTo(errorClass);
        assertThat(classified.getMessage()).isEqualTo("HTTP " + status + ": Twilio says no");
    }

    @Test
    void errorWithoutATwilioCodeIsNamedByItsStatus() {
        // What the SDK throws for an error answer without a JSON body.
        DeliveryException classified = TwilioSmsSender.classify(new ApiException("Server Error, no content", 502));

        assertThat(classified.isPermanent()).isFalse();
        assertThat(classified.errorClass()).isEqualTo("twilio-502");
    }

    @Test
    void connectionFailuresAndTimeoutsAreTransient() {
        DeliveryException refused = TwilioSmsSender.classify(
                new ApiException("Connection refused", new ConnectException("Connection refused")));
        DeliveryException timedOut = TwilioSmsSender.classify(
                new ApiException("Read timed out", new SocketTimeoutException("Read timed out")));
        DeliveryException noResponse = TwilioSmsSender.classify(
                new ApiConnectionException("Message creation failed: Unable to connect to server"));

        assertThat(refused.isPermanent()).isFalse();
        assertThat(refused.errorClass()).isEqualTo("twilio-connection");
        assertThat(timedOut.isPermanent()).isFalse();
        assertThat(timedOut.errorClass()).isEqualTo("twilio-timeout");
        assertThat(noResponse.isPermanent()).isFalse();
        assertThat(noResponse.errorClass()).isEqualTo("twilio-connection");
    }

    @Test
    void unreadableAnswerIsTransient() {
        DeliveryException classified = TwilioSmsSender.classify(new ApiException("Unexpected character ('<')"));

        assertThat(classified.isPermanent()).isFalse();
        assertThat(classified.errorClass()).isEqualTo("twilio-error");
    }
}
