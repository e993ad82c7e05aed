package io.notiflow.sms.client;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider simulator's Twilio stubs (sim/twilio, served by bin/provider-sim) answer the real SDK. */
class ProviderSimulatorTest {

    private WireMockServer simulator;
    private TwilioRestClient client;

    @BeforeEach
    void startSimulator() {
        simulator = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory("../sim/twilio"));
        simulator.start();
        client = new TwilioRestClient.Builder("AC0123456789abcdef0123456789abcdef", "any-token")
                .httpClient(new TwilioHttpClient(Optional.of(URI.create("http://localhost:" + simulator.port())),
                        Duration.ofSeconds(5)))
                .build();
    }

    @AfterEach
    void stopSimulator() {
        simulator.stop();
    }

    @Test
    void acceptsAMessageWithAFreshSid() {
        Message first = Message.creator(new PhoneNumber("+14155550100"), new PhoneNumber("+15005550006"),
                "Hello \"quoted\" & more").create(client);
        Message second = Message.creator(new PhoneNumber("+14155550100"), "MG0123456789abcdef0123456789abcdef",
                "Hello again").create(client);

        assertThat(first.getSid()).matches("SM[0-9a-f]{32}");
        assertThat(second.getSid()).matches("SM[0-9a-f]{32}").isNotEqualTo(first.getSid());
        assertThat(first.getTo()).isEqualTo("+14155550100");
        assertThat(first.getAccountSid()).isEqualTo("AC0123456789abcdef0123456789abcdef");
        assertThat(first.getDateCreated()).isNotNull();
    }

    @Test
    void refusesTwiliosMagicInvalidNumber() {
        assertThatThrownBy(() -> Message.creator(new PhoneNumber("+15005550001"), new PhoneNumber("+15005550006"),
                "Hi").create(client))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getCode()).isEqualTo(21211);
                });
    }
}
