package io.notiflow.e2e;

import io.notiflow.core.testing.JwtKeysResource;
import io.notiflow.core.testing.LocalServices;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The in-app channel end to end, across two gateway instances: api-service and two inapp-gateway processes
 * (packaged jars, separate processes, same database {@value #DATABASE} and vhost {@value #VHOST}, both re-created
 * per run). User A's app is connected to gateway 1, user B's to gateway 2. Whichever instance's delivery engine
 * takes a job from {@code notifications.inapp}, the fan-out exchange brings it to the instance holding the
 * user's socket. Tokens come from the API ({@code POST /api/tokens}, signed with a key pair made for this run);
 * the tests use only HTTP, WebSockets, SQL and signals to the processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ThreadDumpOnFailure.class)
class InappFlowIT {

    static final String DATABASE = "notiflow_test_e2e_inapp";
    static final String VHOST = "notiflow-test-e2e-inapp";
    static final String API_KEY = "e2e-inapp-key";
    static final String USER_A = "user-a";
    static final String USER_B = "user-b";
    static final String ROOM = "team-7";
    private static final Duration QUIET = Duration.ofMillis(1500);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Posts per direction until the job has been taken by the instance the user is not connected to. */
    private static final int MAX_CROSSING_TRIES = 12;

    /** A hung service fails the call instead of the whole run. */
    private static final RestAssuredConfig HTTP_TIMEOUTS = RestAssuredConfig.config().httpClient(
            HttpClientConfig.httpClientConfig().setParam("http.connection.timeout", 10_000)
                    .setParam("http.socket.timeout", 30_000));

    private static ServiceProcess api;
    private static ServiceProcess gateway1;
    private static ServiceProcess gateway2;
    private static InboxClient clientA;
    private static InboxClient clientB;
    /** A's first notification, acked and read in {@link #ackAndReadMoveTheRowToDeliveredThenRead()}. */
    private static String firstForA;
    private static String firstForB;

    @BeforeAll
    static void startPlatform() {
        LocalServices.recreateDatabase(DATABASE);
        LocalServices.recreateVhost(VHOST);
        // PEM files of a key pair made for this run (the same helper the services' own tests use).
        Map<String, String> keys = new JwtKeysResource().start();

        Map<String, String> infrastructure = Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", LocalServices.jdbcUrl(DATABASE),
                "QUARKUS_DATASOURCE_USERNAME", LocalServices.PG_USER,
                "RABBITMQ_HOST", LocalServices.RABBIT_HOST,
                "RABBITMQ_PORT", String.valueOf(LocalServices.RABBIT_PORT),
                "RABBITMQ_VIRTUAL_HOST", VHOST,
                "JWT_ISSUER", JwtKeysResource.ISSUER);
        Map<String, String> apiEnv = new HashMap<>(infrastructure);
        apiEnv.put("API_KEYS", API_KEY);
        apiEnv.put("JWT_PRIVATE_KEY", keys.get("jwt.private-key"));
        Map<String, String> gatewayEnv = new HashMap<>(infrastructure);
        gatewayEnv.put("JWT_PUBLIC_KEY", keys.get("jwt.public-key"));
        gatewayEnv.put("RETRY_DELAYS_INAPP", "1s,2s,3s");

        api = new ServiceProcess("api-service-inapp", "e2e.api-service.jar", apiEnv);
        gateway1 = new ServiceProcess("inapp-gateway-1", "e2e.inapp-gateway.jar", gatewayEnv);
        gateway2 = new ServiceProcess("inapp-gateway-2", "e2e.inapp-gateway.jar", gatewayEnv);
        // api-service first: it applies the migrations the gateways validate at start.
        api.start();
        gateway1.start();
        gateway2.start();

        clientA = InboxClient.connectAsBrowser("A on gateway 1", gateway1.baseUrl(), token(USER_A, ROOM));
        clientB = InboxClient.connectWithHeader("B on gateway 2", gateway2.baseUrl(), token(USER_B));
    }

    @AfterAll
    static void stopPlatform() {
        for (AutoCloseable client : new AutoCloseable[] {clientA, clientB}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    // the processes below still have to go
                }
            }
        }
        for (ServiceProcess process : new ServiceProcess[] {gateway2, gateway1, api}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    @Test
    @Order(1)
    void aPersonalNotificationReachesOnlyItsUserWhicheverGatewayTakesTheJob() throws Exception {
        // Fresh database: nothing in either backlog.
        assertThat(clientA.drain(Duration.ofMillis(500))).isEmpty();
        assertThat(clientB.drain(Duration.ofMillis(500))).isEmpty();

        firstForA = accept(inappTo(USER_A, "Hello A", "first for A", "{\"order\":\"A-1\"}"));
        JsonPath frame = clientA.next();
        assertThat(frame.getString("type")).isEqualTo("notification");
        assertThat(frame.getString("id")).isEqualTo(firstForA);
        assertThat(frame.getString("title")).isEqualTo("Hello A");
        assertThat(frame.getString("message")).isEqualTo("first for A");
        assertThat(frame.getMap("data")).containsExactlyEntriesOf(Map.of("order", "A-1"));
        assertThat(frame.getString("createdAt")).isNotBlank();
        assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();

        firstForB = accept(inappTo(USER_B, "Hello B", "first for B", null));
        assertThat(clientB.next().getString("id")).isEqualTo(firstForB);
        assertThat(clientA.drain(QUIET)).as("A's frames").isEmpty();

        // Both instances consume notifications.inapp: go on until each user has had a job that the *other*
        // instance's engine took, which only the fan-out can have brought to the user's socket.
        List<String> forA = new ArrayList<>(List.of(firstForA));
        List<String> forB = new ArrayList<>(List.of(firstForB));
        Map<String, ServiceProcess> takenBy = new HashMap<>();
        takenBy.put(firstForA, engineThatTook(firstForA));
        takenBy.put(firstForB, engineThatTook(firstForB));
        crossUntilTakenElsewhere(clientA, USER_A, gateway2, forA, takenBy);
        crossUntilTakenElsewhere(clientB, USER_B, gateway1, forB, takenBy);
        assertThat(clientA.drain(QUIET)).as("A's frames").isEmpty();
        assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();
        System.out.printf("[e2e] jobs for A taken by %s; jobs for B taken by %s%n",
                forA.stream().map(id -> takenBy.get(id).name()).toList(),
                forB.stream().map(id -> takenBy.get(id).name()).toList());

        // Pushed to a socket: sent, with the attempt that handed it to the gateways.
        List<String> all = new ArrayList<>(forA);
        all.addAll(forB);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(all).allSatisfy(id -> assertThat(status(id)).as(id).isEqualTo("sent")));
        JsonPath view = notification(firstForA);
        assertThat(view.getString("type")).isEqualTo("inapp");
        assertThat(view.getString("receiver")).isEqualTo(USER_A);
        assertThat(view.getList("attempts.attempt", Integer.class)).containsExactly(1);
    }

    @Test
    @Order(2)
    void aBroadcastReachesBothGatewaysAndARoomOnlyItsMembers() throws Exception {
        String broadcast = accept("""
                {"type":"inapp","broadcast":true,"title":"Maintenance","message":"Down at noon"}""");
        JsonPath atA = clientA.next();
        JsonPath atB = clientB.next();
        assertThat(atA.getString("id")).isEqualTo(broadcast);
        assertThat(atB.getString("id")).isEqualTo(broadcast);
        assertThat(atB.getString("message")).isEqualTo("Down at noon");

        // Only A's token lists the room.
        String room = accept("""
                {"type":"inapp","room":"%s","title":"Standup","message":"In five minutes"}""".formatted(ROOM));
        assertThat(clientA.next().getString("id")).isEqualTo(room);
        assertThat(clientA.drain(QUIET)).as("A's frames").isEmpty();
        assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();

        // A user id spelled like a room or everyone is a user: it reaches neither the room nor everyone.
        for (String userLike : List.of("room:" + ROOM, "broadcast")) {
            accept(inappTo(userLike, "Not for you", "only for the user named " + userLike, null));
        }
        assertThat(clientA.drain(QUIET)).as("A's frames").isEmpty();
        assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();

        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(status(broadcast)).isEqualTo("sent");
            assertThat(status(room)).isEqualTo("sent");
        });
    }

    @Test
    @Order(3)
    void ackAndReadMoveTheRowToDeliveredThenRead() throws Exception {
        clientA.send("ack", firstForA);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(status(firstForA)).isEqualTo("delivered"));
        assertThat(sql("SELECT delivered_at IS NOT NULL, read_at IS NULL FROM notifications WHERE id = '"
                + firstForA + "'")).containsExactly(List.of("t", "t"));

        clientA.send("read", firstForA);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(status(firstForA)).isEqualTo("read"));
        assertThat(sql("SELECT read_at IS NOT NULL FROM notifications WHERE id = '" + firstForA + "'"))
                .containsExactly(List.of("t"));
        // Its timeline: handed to the gateways (the in-app channel's sent), acked, read; in that order even when
        // the ack was written before the hand-on verdict.
        JsonPath read = notification(firstForA);
        assertThat(read.<String>getList("events.type")).endsWith("claimed", "attempt", "sent", "delivered", "read");
        assertThat(read.getString("events.find { it.type == 'sent' }.reason")).isEqualTo("handed to the in-app gateways");
        assertThat(read.getString("events.find { it.type == 'claimed' }.worker")).startsWith("inapp-gateway@");
        assertThat(read.getString("reason")).startsWith("read at ");

        // B read its first one without acking it: read (and delivered on the way).
        clientB.send("read", firstForB);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(status(firstForB)).isEqualTo("read"));

        // B cannot touch A's row: answered like an unknown id, and A's row does not move.
        String other = unreadOf(USER_A).get(0);
        clientB.send("ack", other);
        JsonPath refusal = clientB.next();
        assertThat(refusal.getString("type")).isEqualTo("error");
        assertThat(refusal.getString("id")).isEqualTo(other);
        assertThat(status(other)).isEqualTo("sent");
        assertThat(clientA.drain(QUIET)).isEmpty();
        assertThat(clientB.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    @Order(4)
    void aUserOfAKilledGatewayGetsTheBacklogOnTheOtherOne() throws Exception {
        gateway1.kill9();
        assertThat(clientA.closed().get(30, TimeUnit.SECONDS)).as("A's close code").isNotNull();

        // A is offline now: gateway 2 takes the job and fans it out, no socket of A's is open anywhere.
        String whileAway = accept(inappTo(USER_A, "While you were away", "kept in the inbox", null));
        await().atMost(SETTLE).until(() -> gateway2.logContains("notification " + whileAway + " handed on"));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(notification(whileAway).getList("attempts")).hasSize(1));
        assertThat(status(whileAway)).as("handed to the gateways, like its attempt says").isEqualTo("sent");
        assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();

        List<String> unread = unreadOf(USER_A);
        assertThat(unread).first().isEqualTo(whileAway);
        assertThat(unread).doesNotContain(firstForA);

        // A's app reconnects with a fresh token to the surviving instance: the unread backlog first, newest first.
        try (InboxClient again = InboxClient.connectAsBrowser("A on gateway 2", gateway2.baseUrl(), token(USER_A, ROOM))) {
            List<String> backlog = new ArrayList<>();
            for (int i = 0; i < unread.size(); i++) {
                JsonPath frame = again.next();
                assertThat(frame.getString("type")).isEqualTo("notification");
                backlog.add(frame.getString("id"));
            }
            assertThat(backlog).containsExactlyElementsOf(unread);
            assertThat(again.drain(QUIET)).as("frames after the backlog").isEmpty();
            await().atMost(SETTLE).untilAsserted(() -> assertThat(status(whileAway)).isEqualTo("sent"));

            again.send("ack", whileAway);
            await().atMost(SETTLE).untilAsserted(() -> assertThat(status(whileAway)).isEqualTo("delivered"));

            // Live delivery goes on on the surviving instance alone.
            String live = accept(inappTo(USER_A, "Still here", "live on gateway 2", null));
            assertThat(again.next().getString("id")).isEqualTo(live);
            assertThat(clientB.drain(QUIET)).as("B's frames").isEmpty();
        }
    }

    /** Posts for {@code user} until one job was taken by {@code otherInstance}; each reaches the user exactly once. */
    private static void crossUntilTakenElsewhere(InboxClient client, String user, ServiceProcess otherInstance,
                                                 List<String> ids, Map<String, ServiceProcess> takenBy)
            throws Exception {
        for (int i = 2; i <= MAX_CROSSING_TRIES; i++) {
            if (ids.stream().anyMatch(id -> takenBy.get(id) == otherInstance)) {
                return;
            }
            String id = accept(inappTo(user, "Number " + i, "message " + i + " for " + user, null));
            assertThat(client.next().getString("id")).as("frame at " + client).isEqualTo(id);
            ids.add(id);
            takenBy.put(id, engineThatTook(id));
        }
        assertThat(ids).as("jobs for " + user + ", none taken by " + otherInstance.name())
                .anyMatch(id -> takenBy.get(id) == otherInstance);
    }

    /** The instance whose delivery engine handed the job to the fan-out exchange (from its log, once only). */
    private static ServiceProcess engineThatTook(String id) {
        String line = "notification " + id + " handed on";
        AtomicReference<ServiceProcess> taker = new AtomicReference<>();
        await().atMost(SETTLE).until(() -> {
            boolean by1 = gateway1.logContains(line);
            boolean by2 = gateway2.logContains(line);
            assertThat(by1 && by2).as(id + " handed on by both instances").isFalse();
            taker.set(by1 ? gateway1 : by2 ? gateway2 : null);
            return taker.get() != null;
        });
        return taker.get();
    }

    // --- the customer's backend and the operator's views ---

    private static RequestSpecification api() {
        return RestAssured.given().config(HTTP_TIMEOUTS).baseUri(api.baseUrl()).header("X-API-Key", API_KEY)
                .contentType(ContentType.JSON);
    }

    private static String token(String user, String... rooms) {
        String roomList = rooms.length == 0 ? "" : ",\"rooms\":[\"" + String.join("\",\"", rooms) + "\"]";
        return api().body("{\"user_id\":\"" + user + "\"" + roomList + "}")
                .post("/api/tokens").then().statusCode(200).extract().path("token");
    }

    private static String accept(String json) {
        return api().body(json).post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    private static JsonPath notification(String id) {
        return api().get("/api/notifications/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static String status(String id) {
        return notification(id).getString("status");
    }

    /** Plain-text fields only (no quotes or backslashes), so no JSON library is needed. */
    private static String inappTo(String user, String title, String message, String dataJson) {
        return """
                {"type":"inapp","to":"%s","title":"%s","message":"%s"%s}"""
                .formatted(user, title, message, dataJson == null ? "" : ",\"data\":" + dataJson);
    }

    /** The user's unread personal rows, newest first: what the gateway owes a socket on connect. */
    private static List<String> unreadOf(String user) throws SQLException {
        return sql("SELECT id FROM notifications WHERE type = 'inapp' AND target_kind = 'user'"
                + " AND receiver = '" + user + "'"
                + " AND read_at IS NULL AND status <> 'skipped' ORDER BY created_at DESC, id DESC")
                .stream().map(row -> row.get(0)).toList();
    }

    /** Runs a query the way an operator would, every column as text. */
    private static List<List<String>> sql(String query) throws SQLException {
        return E2eSql.rows(DATABASE, query);
    }
}
