package io.notiflow.inapp;

import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static io.notiflow.inapp.GatewayTestSupport.status;
import static io.notiflow.inapp.GatewayTestSupport.store;
import static io.notiflow.inapp.GatewayTestSupport.token;
import static io.notiflow.inapp.GatewayTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
class InboxApiTest {

    @Test
    void listsTheUsersNotificationsNewestFirstPaginatedWithTheUnreadCount() {
        String frank = user("frank");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Notification first = store(frank, "1", "one", now.minusMinutes(3));
        Notification second = store(frank, "2", "two", now.minusMinutes(2));
        Notification third = store(frank, "3", "three", now.minusMinutes(1));
        store(user("someone-else"), "x", "not frank's", now);

        as(frank).queryParam("size", 2).get("/api/inbox").then().statusCode(200)
                .body("items.id", contains(third.id.toString(), second.id.toString()))
                .body("items[0].message", equalTo("three"))
                .body("items[0].status", equalTo("queued"))
                .body("total", equalTo(3))
                .body("unread", equalTo(3))
                .body("page", equalTo(0))
                .body("size", equalTo(2));
        as(frank).queryParam("size", 2).queryParam("page", 1).get("/api/inbox").then().statusCode(200)
                .body("items.id", contains(first.id.toString()));

        as(frank).post("/api/inbox/" + second.id + "/read").then().statusCode(200).body("status", equalTo("read"));
        assertThat(status(second.id)).isEqualTo(NotificationStatus.READ);
        as(frank).get("/api/inbox").then().body("unread", equalTo(2)).body("items", hasSize(3));

        as(frank).post("/api/inbox/read-all").then().statusCode(200).body("marked", equalTo(2));
        as(frank).get("/api/inbox").then().body("unread", equalTo(0));
        assertThat(status(first.id)).isEqualTo(NotificationStatus.READ);
    }

    @Test
    void aUserCannotSeeOrChangeAnotherUsersNotifications() {
        String grace = user("grace");
        String heidi = user("heidi");
        Notification graces = store(grace, "private", "for Grace only");

        as(heidi).get("/api/inbox").then().statusCode(200).body("items", hasSize(0)).body("unread", equalTo(0));
        as(heidi).post("/api/inbox/" + graces.id + "/read").then().statusCode(404);
        as(heidi).post("/api/inbox/read-all").then().statusCode(200).body("marked", equalTo(0));
        as(heidi).post("/api/inbox/" + UUID.randomUUID() + "/read").then().statusCode(404);
        assertThat(status(graces.id)).isEqualTo(NotificationStatus.QUEUED);
    }

    @Test
    void inboxNeedsAValidToken() {
        RestAssured.given().get("/api/inbox").then().statusCode(401);
        RestAssured.given().auth().oauth2("not-a-jwt").get("/api/inbox").then().statusCode(401);
    }

    @Test
    void badPagingIsA400() {
        as(user("ivan")).queryParam("size", 0).get("/api/inbox").then().statusCode(400);
        as(user("ivan")).queryParam("page", "x").get("/api/inbox").then().statusCode(400);
    }

    private static RequestSpecification as(String user) {
        return RestAssured.given().auth().oauth2(token(user));
    }
}
