package io.notiflow.inapp;

import io.notiflow.core.job.InappTarget;
import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.JwtKeysResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad-input campaign of the inbox API: generated requests with missing, forged and foreign tokens, bad parameters,
 * paths, methods and bodies. Each must get the answer its class expects, never a 5xx. A foreign token never sees a
 * victim's rows, and the victim's rows (a user's, a room's, everyone's) are the same before and after.
 * <p>
 * {@code -Dinboxfuzz.tries=N} (default 2000) sets how many requests; {@code -Dinboxfuzz.seed=S} replays a run.
 * See docs/BAD_INPUT.md.
 */
@QuarkusTest
class InboxBadInputCampaignTest {

    private static final int TRIES = Integer.getInteger("inboxfuzz.tries", 2_000);
    private static final long SEED = Long.getLong("inboxfuzz.seed", 20261207L);
    private static final int CHECK_EVERY = 500;
    private static final Set<Integer> UNAUTHORIZED = Set.of(401, 414, 431);
    /** Counted as the "status" of a request whose connection the server closed before answering. */
    private static final int CLOSED = 0;

    @TestHTTPResource("/")
    URI root;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private String victim;
    private String room;
    private List<String> victimIds;

    @Test
    void everyBadInboxRequestGetsItsAnswerAndChangesNothing() throws Exception {
        victim = user("victim");
        room = "team-" + UUID.randomUUID().toString().substring(0, 8);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Notification> rows = List.of(
                store(victim, "mine 1", "for the victim", now.minusMinutes(3)),
                store(victim, "mine 2", "for the victim", now.minusMinutes(2)),
                store(InappTarget.room(room), "room", "for the room", now.minusMinutes(1)),
                store(InappTarget.everyone(), "all", "for everyone", now));
        victimIds = rows.stream().map(row -> row.id.toString()).toList();
        String before = snapshot();

        Random random = new Random(SEED);
        Map<String, Map<Integer, Integer>> answers = new TreeMap<>();
        for (int i = 1; i <= TRIES; i++) {
            Case request = generate(random);
            Answer response = send(request);
            int status = response.status();
            answers.computeIfAbsent(request.kind, k -> new TreeMap<>()).merge(status, 1, Integer::sum);
            assertThat(status).as("%s → %s %s", request, status, response.body()).isLessThan(500);
            assertThat(request.expected).as("%s → %s %s", request, status, response.body()).contains(status);
            for (String id : victimIds) {
                assertThat(response.body()).as("%s leaked a victim's row", request).doesNotContain(id);
            }
            if (i % CHECK_EVERY == 0 || i == TRIES) {
                assertThat(snapshot()).as("the victim's rows after %d requests", i).isEqualTo(before);
            }
        }
        System.out.printf("inbox campaign: seed %d, %d requests, answers by class: %s%n", SEED, TRIES, answers);
    }

    /** One generated request and the statuses its class allows. */
    private record Case(String kind, String method, String path, String authorization, String contentType,
                        byte[] body, boolean chunked, Set<Integer> expected) {
        @Override
        public String toString() {
            String auth = authorization == null ? "none"
                    : authorization.length() > 60 ? authorization.substring(0, 60) + "…" : authorization;
            return kind + " " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path)
                    + " auth=" + auth + " body=" + (body == null ? 0 : body.length) + (chunked ? " chunked" : "");
        }
    }

    private Case generate(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> authorized("auth.missing", random, null);
            case 1 -> authorized("auth.garbage", random, garbageAuth(random));
            case 2 -> authorized("auth.forged", random, "Bearer " + forgedToken(random));
            case 3 -> foreignUser(random);
            case 4 -> new Case("param.bad", "GET", "/api/inbox?" + badPaging(random), bearer(), null, null, false,
                    Set.of(400));
            case 5 -> new Case("path.bad", "POST", "/api/inbox/" + badId(random) + "/read", bearer(), null,
                    null, false, Set.of(400, 404));
            case 6 -> new Case("method.wrong", pick(random, "PUT", "DELETE", "PATCH"), pick(random, "/api/inbox",
                    "/api/inbox/read-all", "/api/inbox/" + pick(random, victimIds) + "/read"), bearer(), null, null,
                    false, Set.of(405));
            // a validly signed token whose subject no user id can be: it authenticates nobody
            case 7 -> authorized("auth.impossible-subject", random, "Bearer " + token(pick(random,
                    victim + "\u0000", "\u0000", " ", "x".repeat(513))));
            default -> oddBody(random);
        };
    }

    /**
     * A valid token whose subject is spelled like the victim's targets but is not the victim: it reads an empty
     * inbox, marks nothing and finds none of the victim's rows.
     */
    private Case foreignUser(Random random) {
        String subject = pick(random, "broadcast", "*", "everyone", "room:" + room, room, "ROOM:" + room,
                victim.toUpperCase(), victim + " ", " " + victim, victim + "\t", victim.substring(1),
                victim + "%", "%", "_" + victim.substring(1), victim + "'--", "' or '1'='1");
        String authorization = "Bearer " + token(subject, pick(random, "other-room", "room:other", "x"));
        return switch (random.nextInt(3)) {
            case 0 -> new Case("auth.foreign-user", "GET", "/api/inbox", authorization, null, null, false,
                    Set.of(200));
            case 1 -> new Case("auth.foreign-user", "POST", "/api/inbox/" + pick(random, victimIds) + "/read",
                    authorization, null, null, false, Set.of(404));
            default -> new Case("auth.foreign-user", "POST", "/api/inbox/read-all", authorization, null, null,
                    false, Set.of(200));
        };
    }

    /** Bodies the inbox API does not read: ignored, or refused for their size; never a 5xx. */
    private Case oddBody(Random random) {
        boolean huge = random.nextInt(4) == 0;
        byte[] body = huge ? new byte[1_100_000 + random.nextInt(600_000)] : noise(random, 1 + random.nextInt(4096));
        if (huge) {
            random.nextBytes(body);
        }
        String path = pick(random, "/api/inbox/read-all", "/api/inbox/" + UUID.randomUUID() + "/read");
        return new Case("body.unexpected", "POST", path, bearer(),
                pick(random, "application/json", "text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "application/octet-stream"),
                body, random.nextBoolean(), huge ? Set.of(413, CLOSED) : Set.of(200, 404, 415));
    }

    private record Answer(int status, String body) {
    }

    private Answer send(Case request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root.toString().replaceAll("/$", "")
                        + request.path))
                .timeout(Duration.ofSeconds(30));
        if (request.authorization != null) {
            builder.header("Authorization", request.authorization);
        }
        if (request.contentType != null) {
            builder.header("Content-Type", request.contentType);
        }
        HttpRequest.BodyPublisher body = request.body == null ? HttpRequest.BodyPublishers.noBody()
                : request.chunked ? HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(request.body))
                : HttpRequest.BodyPublishers.ofByteArray(request.body);
        builder.method(request.method, body);
        HttpRequest built = builder.build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.body());
            } catch (IOException e) {
                // The server closes the connection after refusing an oversized body: a request that went out on
                // that kept-alive connection is sent again once. An oversized body's own answer may be lost the
                // same way; only its class allows CLOSED.
                boolean oversized = request.body != null && request.body.length > 16 * 1024;
                if (oversized || attempt == 2) {
                    return new Answer(CLOSED, String.valueOf(e.getMessage()));
                }
            }
        }
    }

    /** Every victim row's status and marks, in one string. */
    private String snapshot() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = CDI.current().select(EntityManager.class).get().createNativeQuery(
                            "select id::text, status, coalesce(delivered_at::text, '-'), coalesce(read_at::text, '-'),"
                                    + " updated_at::text from notifications where id::text in (:ids) order by id")
                    .setParameter("ids", victimIds).getResultList();
            assertThat(rows).hasSize(victimIds.size());
            return rows.stream().map(row -> String.join("|", (String) row[0], (String) row[1], (String) row[2],
                    (String) row[3], (String) row[4])).collect(Collectors.joining("\n"));
        });
    }

    /** A request the API would serve with a valid token, sent with {@code authorization} instead: a 401. */
    private Case authorized(String kind, Random random, String authorization) {
        return switch (random.nextInt(4)) {
            case 0 -> new Case(kind, "GET", "/api/inbox", authorization, null, null, false, UNAUTHORIZED);
            case 1 -> new Case(kind, "GET", "/api/inbox?size=5", authorization, null, null, false, UNAUTHORIZED);
            case 2 -> new Case(kind, "POST", "/api/inbox/read-all", authorization, null, null, false, UNAUTHORIZED);
            default -> new Case(kind, "POST", "/api/inbox/" + pick(random, victimIds) + "/read", authorization, null,
                    null, false, UNAUTHORIZED);
        };
    }

    /** A valid token of a user of its own, who has no rows. */
    private static String bearer() {
        return "Bearer " + token(user("attacker"));
    }

    private String forgedToken(Random random) {
        Instant now = Instant.now();
        return switch (random.nextInt(7)) {
            // signed by a key nobody configured, for the victim
            case 0 -> Jwt.subject(victim).issuer(JwtKeysResource.ISSUER).expiresIn(300)
                    .sign(JwtKeysResource.strangerKey());
            // expired an hour ago (beyond the minute of clock skew the gateway allows)
            case 1 -> Jwt.subject(victim).issuer(JwtKeysResource.ISSUER).issuedAt(now.minusSeconds(7200))
                    .expiresAt(now.minusSeconds(3600)).sign(JwtKeysResource.privateKey());
            // another issuer
            case 2 -> Jwt.subject(victim).issuer("someone-else").expiresIn(300).sign(JwtKeysResource.privateKey());
            // alg none
            case 3 -> unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", victim);
            // HMAC with a guessable secret
            case 4 -> Jwt.subject(victim).issuer(JwtKeysResource.ISSUER).expiresIn(300)
                    .signWithSecret("a-secret-of-at-least-thirty-two-bytes!!");
            // the victim's subject pasted into a real token's signature
            case 5 -> resigned(token(user("attacker")), victim);
            default -> token(victim).substring(0, 20 + random.nextInt(40));
        };
    }

    private static String unsigned(String header, String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"sub\":\"" + subject + "\",\"iss\":\"" + JwtKeysResource.ISSUER + "\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + "}";
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** A real token's header and signature around claims naming someone else. */
    private static String resigned(String real, String subject) {
        String[] parts = real.split("\\.");
        String claims = "{\"sub\":\"" + subject + "\",\"iss\":\"" + JwtKeysResource.ISSUER + "\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + "}";
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private String garbageAuth(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "Bearer";
            case 1 -> "Bearer " + new String(noise(random, 1 + random.nextInt(200)), StandardCharsets.US_ASCII);
            case 2 -> "Basic " + Base64.getEncoder().encodeToString((victim + ":x").getBytes(StandardCharsets.UTF_8));
            case 3 -> "Bearer " + "A".repeat(4_000 + random.nextInt(20_000));
            case 4 -> "bearer  " + token(victim).replace('.', ',');
            default -> "Token " + token(victim);
        };
    }

    /** A page or size that is not a whole number in its range. */
    private static String badPaging(Random random) {
        String notANumber = pick(random, "-1", "x", "1e2", "0x10", "%00", "1%002", "%201", "99999999999999999999",
                "2147483648", "1.5", "%E2%80%8B", "NaN", "%27%20or%201%3D1", "1%0D%0A");
        return random.nextBoolean() ? "page=" + pick(random, notANumber, "21474837")
                : "size=" + pick(random, notANumber, "0", "101");
    }

    private static String badId(Random random) {
        return pick(random, "x", "%00", "..%2F..%2Fq%2Fhealth", "12345678-1234-1234-1234-12345678901",
                "12345678-1234-1234-1234-1234567890123", "%27%3Bdrop%20table%20notifications%3B--",
                "g2345678-1234-1234-1234-123456789012", "a".repeat(300), "%E2%80%8B");
    }

    /** Printable ASCII noise, without characters an HTTP header refuses. */
    private static byte[] noise(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (33 + random.nextInt(94));
        }
        return bytes;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
