package io.notiflow.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies over HTTP/2 (cleartext, as the JDK's HttpClient upgrades to it by default): the body limit leaves the read
 * to the REST layer, which then answers as over HTTP/1.1, and a body of unknown length is a 411.
 */
@QuarkusTest
class Http2ClientTest {

    private static final String EMAIL = """
            {"type":"email","to":"h2@example.com","subject":"Over HTTP/2","message":"Hello"}""";

    @TestHTTPResource("/api/notify")
    URI notify;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    @Test
    void aNotifyOverHttp2IsAcceptedLikeOverHttp1() throws Exception {
        HttpResponse<String> upgraded = client.send(post(HttpRequest.BodyPublishers.ofString(EMAIL)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(202);
        HttpResponse<String> second = client.send(post(HttpRequest.BodyPublishers.ofString(EMAIL)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.version()).as("the connection speaks HTTP/2 after the upgrade")
                .isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(second.body()).contains("\"messageId\"");

        HttpResponse<String> invalid = client.send(post(HttpRequest.BodyPublishers.ofString("""
                {"type":"email","to":"not-an-address","message":"Hello"}""")), HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"to\"");
    }

    @Test
    void anHttp2BodyOfUnknownLengthIs411AndAnOversizedOne413() throws Exception {
        client.send(post(HttpRequest.BodyPublishers.ofString(EMAIL)), HttpResponse.BodyHandlers.discarding());

        HttpResponse<String> unknown = client.send(post(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(EMAIL.getBytes(StandardCharsets.UTF_8)))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(unknown.statusCode()).isEqualTo(411);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknown.body()).contains("Content-Length");

        HttpResponse<String> oversized = client.send(post(HttpRequest.BodyPublishers.ofString(
                "{\"type\":\"email\",\"message\":\"" + "x".repeat(1_100_000) + "\"}")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(oversized.statusCode()).isEqualTo(413);
    }

    private HttpRequest post(HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(notify).header("X-API-Key", ApiTestSupport.API_KEY)
                .header("Content-Type", "application/json").POST(body).build();
    }
}
