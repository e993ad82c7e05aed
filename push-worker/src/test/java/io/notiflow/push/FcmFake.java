package io.notiflow.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A fake of the two Google endpoints firebase-admin talks to: the OAuth token endpoint (named by the
 * service-account file's token_uri) and the FCM v1 send endpoint. Tests script the send endpoint per device
 * token and read back the exact requests the SDK made.
 */
public final class FcmFake {

    public static final String PROJECT = "notiflow-test";
    public static final String SEND_PATH = "/v1/projects/" + PROJECT + "/messages:send";
    public static final String TOKEN_PATH = "/oauth2/token";
    /** What the fake token endpoint hands out; every FCM request must carry it. */
    public static final String ACCESS_TOKEN = "ya29.fake-access-token-for-tests";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final Path serviceAccountFile;

    private FcmFake(WireMockServer server, Path serviceAccountFile) {
        this.server = server;
        this.serviceAccountFile = serviceAccountFile;
    }

    static FcmFake start() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        FcmFake fake = new FcmFake(server, writeServiceAccount("http://127.0.0.1:" + server.port() + TOKEN_PATH));
        fake.reset();
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public Path serviceAccountFile() {
        return serviceAccountFile;
    }

    /** Forgets scripted answers and recorded requests; the token endpoint answers again. */
    public void reset() {
        server.resetAll();
        server.stubFor(post(urlEqualTo(TOKEN_PATH)).atPriority(1)
                .willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600,"
                        + "\"token_type\":\"Bearer\"}")));
    }

    /** Sends to {@code token} succeed with message name {@code projects/<p>/messages/<id>}. */
    public String accept(String token) {
        String name = "projects/" + PROJECT + "/messages/" + Math.abs(token.hashCode());
        answer(token, okJson("{\"name\":\"" + name + "\"}"));
        return name;
    }

    public void answer(String token, ResponseDefinitionBuilder response) {
        server.stubFor(sendTo(token).willReturn(response));
    }

    /** Every send, whatever the token, gets {@code response} (lower priority than per-token answers). */
    public void answerAll(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(SEND_PATH)).atPriority(10).willReturn(response));
    }

    public MappingBuilder sendTo(String token) {
        return post(urlEqualTo(SEND_PATH)).atPriority(5)
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(token)));
    }

    public void stub(MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    /** The send requests made for {@code token}, oldest first. */
    public List<LoggedRequest> sendsTo(String token) {
        return server.findAll(postRequestedFor(urlEqualTo(SEND_PATH))
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(token))));
    }

    public List<LoggedRequest> allSends() {
        return server.findAll(postRequestedFor(urlEqualTo(SEND_PATH)));
    }

    /** An FCM error answer as the real API gives it: google.rpc.Status with an FcmError detail. */
    public static ResponseDefinitionBuilder fcmError(int httpStatus, String status, String fcmErrorCode,
                                                     String message) {
        String details = fcmErrorCode == null ? "[]"
                : "[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\""
                + fcmErrorCode + "\"}]";
        return aResponse().withStatus(httpStatus).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody("{\"error\":{\"code\":" + httpStatus + ",\"message\":\"" + message + "\",\"status\":\""
                        + status + "\",\"details\":" + details + "}}");
    }

    public static JsonNode json(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        server.stop();
    }

    /** A service-account file like the one Firebase hands out, with a fresh key and token_uri at this fake. */
    private static Path writeServiceAccount(String tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                    generator.generateKeyPair().getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Map<String, String> account = Map.of(
                    "type", "service_account",
                    "project_id", PROJECT,
                    "private_key_id", "test-key",
                    "private_key", pem,
                    "client_email", "push-worker@" + PROJECT + ".iam.gserviceaccount.com",
                    "client_id", "100000000000000000000",
                    "token_uri", tokenUri);
            Path file = Files.createTempFile("fcm-test-service-account", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, JSON.writeValueAsString(account));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
