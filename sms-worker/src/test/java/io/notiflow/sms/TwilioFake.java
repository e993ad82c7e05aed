package io.notiflow.sms;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * An in-process fake of the Twilio Messages API (WireMock on a free port). Each test sends to a number of its
 * own and stubs the answers for that number, so tests never see each other's requests.
 */
public final class TwilioFake {

    public static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    public static final String AUTH_TOKEN = "test-auth-token";
    public static final String FROM = "+15005550006";
    public static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

    private final WireMockServer server;

    private TwilioFake(WireMockServer server) {
        this.server = server;
    }

    public static TwilioFake start() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return new TwilioFake(server);
    }

    public WireMockServer server() {
        return server;
    }

    /** An IP address on purpose: the SDK's own URL building would mangle a dotted host. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public void stop() {
        server.stop();
    }

    /** A recipient no other test uses. */
    public static String uniqueNumber() {
        return "+1415" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
    }

    /** Twilio accepts messages to {@code to} and answers with {@code sid}. */
    public void accepts(String to, String sid) {
        server.stubFor(messageTo(to).willReturn(created(to, sid)));
    }

    /** Twilio refuses messages to {@code to} with an error body, as its API does. */
    public void fails(String to, int status, int code, String message) {
        server.stubFor(messageTo(to).willReturn(error(status, code, message)));
    }

    /** The first {@code failures} requests to {@code to} get {@code status}, the ones after that succeed. */
    public void failsThenAccepts(String to, int failures, int status, int code, String sid) {
        String scenario = "flaky " + to;
        String state = Scenario.STARTED;
        for (int i = 1; i <= failures; i++) {
            String next = "failed " + i;
            server.stubFor(messageTo(to).inScenario(scenario).whenScenarioStateIs(state)
                    .willReturn(error(status, code, "Service Unavailable")).willSetStateTo(next));
            state = next;
        }
        server.stubFor(messageTo(to).inScenario(scenario).whenScenarioStateIs(state).willReturn(created(to, sid)));
    }

    /** Every request the SDK made to send to {@code to}. */
    public List<LoggedRequest> requestsTo(String to) {
        return server.findAll(postRequestedFor(urlEqualTo(MESSAGES_PATH)).withFormParam("To", equalTo(to)));
    }

    private static MappingBuilder messageTo(String to) {
        return post(urlEqualTo(MESSAGES_PATH)).withFormParam("To", equalTo(to));
    }

    private static ResponseDefinitionBuilder created(String to, String sid) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"" + sid + "\",\"account_sid\":\"" + ACCOUNT_SID + "\",\"to\":\"" + to
                        + "\",\"from\":\"" + FROM + "\",\"status\":\"queued\",\"num_segments\":\"1\","
                        + "\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}");
    }

    static ResponseDefinitionBuilder error(int status, int code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"more_info\":"
                        + "\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}");
    }
}
