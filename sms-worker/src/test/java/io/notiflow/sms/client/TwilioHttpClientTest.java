package io.notiflow.sms.client;

import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.notiflow.sms.TwilioFake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's HTTP hook: requests land on TWILIO_API_URL with the shape the SDK gave them, once each. Also
 * measures what the SDK's stock client would do with a 503, which is why the worker does not use it.
 */
class TwilioHttpClientTest {

    private TwilioFake twilio;

    @BeforeEach
    void startFake() {
        twilio = TwilioFake.start();
    }

    @AfterEach
    void stopFake() {
        twilio.stop();
    }

    @Test
    void sendsTheSdksRequestToTheBaseUrl() {
        String to = TwilioFake.uniqueNumber();
        twilio.accepts(to, "SM00000000000000000000000000000010");

        Message message = Message.creator(new PhoneNumber(to), "MG0123456789abcdef0123456789abcdef", "Hello")
                .create(client(URI.create(twilio.baseUrl() + "/")));

        assertThat(message.getSid()).isEqualTo("SM00000000000000000000000000000010");
        assertThat(twilio.requestsTo(to)).singleElement().satisfies(request -> {
            assertThat(request.getUrl()).isEqualTo(TwilioFake.MESSAGES_PATH);
            assertThat(request.formParameter("MessagingServiceSid").firstValue())
                    .isEqualTo("MG0123456789abcdef0123456789abcdef");
            assertThat(request.formParameter("Body").firstValue()).isEqualTo("Hello");
            assertThat(request.getHeader("Authorization")).startsWith("Basic ");
            assertThat(request.getHeader("User-Agent")).startsWith("twilio-java/");
        });
    }

    @Test
    void makesOneRequestPerFailedCreate() {
        String to = TwilioFake.uniqueNumber();
        twilio.fails(to, 503, 20503, "Service Unavailable");

        assertThatThrownBy(() -> Message.creator(new PhoneNumber(to), new PhoneNumber(TwilioFake.FROM), "Hi")
                .create(client(URI.create(twilio.baseUrl()))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(503));

        assertThat(twilio.requestsTo(to)).hasSize(1);
    }

    @Test
    void stockSdkClientRepeatsA503SixTimes() {
        // The measured figure behind TwilioHttpClient: the SDK tries 3 times, and its stock Apache client repeats
        // each 503 once more after a second. Routed to the fake the same way, with the stock retry policy.
        String to = TwilioFake.uniqueNumber();
        twilio.fails(to, 503, 20503, "Service Unavailable");
        URI baseUrl = URI.create(twilio.baseUrl());
        NetworkHttpClient stock = new NetworkHttpClient() {
            @Override
            public Response makeRequest(Request request) {
                return super.makeRequest(new TwilioHttpClient.RedirectedRequest(request, baseUrl));
            }
        };
        TwilioRestClient sdkDefaults = new TwilioRestClient.Builder(TwilioFake.ACCOUNT_SID, TwilioFake.AUTH_TOKEN)
                .httpClient(stock).build();
        long started = System.nanoTime();

        assertThatThrownBy(() -> Message.creator(new PhoneNumber(to), new PhoneNumber(TwilioFake.FROM), "Hi")
                .create(sdkDefaults)).isInstanceOf(ApiException.class);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(twilio.requestsTo(to)).hasSize(6);
        assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(10));
    }

    @Test
    void refusedConnectionSurfacesAsAnIoFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> Message.creator(new PhoneNumber("+14155550100"), new PhoneNumber(TwilioFake.FROM),
                "Hi").create(client(URI.create("http://127.0.0.1:" + closedPort))))
                .isInstanceOf(ApiException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    private static TwilioRestClient client(URI baseUrl) {
        return new TwilioRestClient.Builder(TwilioFake.ACCOUNT_SID, TwilioFake.AUTH_TOKEN)
                .httpClient(new TwilioHttpClient(Optional.of(baseUrl), Duration.ofSeconds(5)))
                .build();
    }
}
