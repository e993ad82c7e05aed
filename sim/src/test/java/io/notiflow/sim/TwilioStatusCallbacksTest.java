package io.notiflow.sim;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import com.twilio.security.RequestValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's Twilio stubs (twilio/mappings) with its status callbacks: each callback reaches the URL the
 * message named, with the fields Twilio sends, and its signature passes the Twilio SDK's own RequestValidator.
 */
class TwilioStatusCallbacksTest {

    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "sim-test-auth-token";

    private WireMockServer simulator;
    private HttpServer receiver;
    private final BlockingQueue<Callback> callbacks = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private record Callback(String url, String signature, Map<String, String> fields) {
    }

    @BeforeEach
    void start() throws IOException {
        simulator = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory("twilio").extensions(new TwilioStatusCallbacks()));
        simulator.start();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + exchange.getRequestURI();
            callbacks.add(new Callback(url, exchange.getRequestHeaders().getFirst("X-Twilio-Signature"), form(body)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        simulator.stop();
        receiver.stop(0);
    }

    @Test
    void sendsSignedSentThenDeliveredToTheMessagesStatusCallback() throws Exception {
        String callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/status?id=n-1";
        String sid = send("+14155550100", callbackUrl);

        List<Callback> got = List.of(next(), next());

        assertThat(got).extracting(c -> c.fields().get("MessageStatus")).containsExactly("sent", "delivered");
        RequestValidator validator = new RequestValidator(TOKEN);
        for (Callback c : got) {
            assertThat(c.url()).isEqualTo(callbackUrl);
            assertThat(c.fields()).containsEntry("MessageSid", sid).containsEntry("AccountSid", ACCOUNT)
                    .containsEntry("To", "+14155550100").containsEntry("From", "+15005550006")
                    .containsEntry("ApiVersion", "2010-04-01").doesNotContainKey("ErrorCode");
            assertThat(validator.validate(c.url(), c.fields(), c.signature())).as("signature").isTrue();
            assertThat(new RequestValidator("another-token").validate(c.url(), c.fields(), c.signature())).isFalse();
        }
    }

    @Test
    void aNumberEndingIn30003IsUndeliveredWithItsErrorCode() throws Exception {
        String callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/status";
        send("+14155530003", callbackUrl);

        next();
        Callback last = next();

        assertThat(last.fields()).containsEntry("MessageStatus", "undelivered").containsEntry("ErrorCode", "30003");
        assertThat(new RequestValidator(TOKEN).validate(last.url(), last.fields(), last.signature())).isTrue();
    }

    @Test
    void aMessageWithoutStatusCallbackGetsNone() throws Exception {
        send("+14155550101", null);

        assertThat(callbacks.poll(1, TimeUnit.SECONDS)).isNull();
    }

    /** Posts to the Messages API as the Twilio SDK does (form fields, Basic auth); returns the message SID. */
    private String send(String to, String statusCallback) throws Exception {
        StringBuilder form = new StringBuilder("To=" + URLEncoder.encode(to, StandardCharsets.UTF_8)
                + "&From=%2B15005550006&Body=Hello");
        if (statusCallback != null) {
            form.append("&StatusCallback=").append(URLEncoder.encode(statusCallback, StandardCharsets.UTF_8));
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + simulator.port() + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        return created.body().replaceAll(".*\"sid\":\"(SM[0-9a-f]+)\".*", "$1");
    }

    private Callback next() throws InterruptedException {
        Callback c = callbacks.poll(10, TimeUnit.SECONDS);
        assertThat(c).as("a status callback within 10 s").isNotNull();
        return c;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }
}
