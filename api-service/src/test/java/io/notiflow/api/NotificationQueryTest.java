package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;

@QuarkusTest
class NotificationQueryTest {

    @Test
    void showsStatusRetriesAndAttemptsOfOneNotification() {
        String id = api().body("""
                        {"type":"sms","to":"+14155550199","message":"status please"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");

        api().get("/api/notifications/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("type", equalTo("sms"))
                .body("receiver", equalTo("+14155550199"))
                .body("status", equalTo("queued"))
                .body("retries", equalTo(0))
                .body("attempts", empty());
    }

    @Test
    void unknownIdIs404AndAMalformedIdIs400() {
        api().get("/api/notifications/" + UUID.randomUUID()).then().statusCode(404);
        api().get("/api/notifications/not-a-uuid").then().statusCode(400).body("fields", hasKey("id"));
    }

    @Test
    void listsNewestFirstFilteredByTypeAndStatus() {
        String older = api().body("""
                        {"type":"push","to":"fcm-token-aaaaaaaaaaaaaaaaaaaa","message":"one"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
        String newer = api().body("""
                        {"type":"push","to":"fcm-token-bbbbbbbbbbbbbbbbbbbb","message":"two"}""")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");

        List<String> ids = api().queryParam("type", "push").queryParam("status", "queued").queryParam("limit", 2)
                .get("/api/notifications").then().statusCode(200)
                .body("type", everyItem(equalTo("push")))
                .body("status", everyItem(equalTo("queued")))
                .extract().jsonPath().getList("id", String.class);
        assertThat(ids).containsExactly(newer, older);
    }

    @Test
    void badFiltersAreNamed() {
        api().queryParam("status", "lost").queryParam("type", "fax").queryParam("limit", 0)
                .get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("status"))
                .body("fields", hasKey("type"))
                .body("fields", hasKey("limit"));
        api().queryParam("limit", "ten").get("/api/notifications").then().statusCode(400)
                .body("fields", hasKey("limit"));
    }
}
