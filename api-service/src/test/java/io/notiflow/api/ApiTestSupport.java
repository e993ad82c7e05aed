package io.notiflow.api;

import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.testing.LocalServicesResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.inject.spi.CDI;

import java.util.Optional;
import java.util.UUID;

/** Shared by the api-service suites: their own database and vhost, and small request helpers. */
@QuarkusTestResource(value = LocalServicesResource.class, initArgs = {
        @ResourceArg(name = "database", value = "notiflow_test_api"),
        @ResourceArg(name = "vhost", value = "notiflow-test-api")})
public final class ApiTestSupport {

    public static final String VHOST = "notiflow-test-api";
    public static final String API_KEY = "test-key";

    private ApiTestSupport() {
    }

    public static RequestSpecification api() {
        return RestAssured.given().header("X-API-Key", API_KEY).contentType(ContentType.JSON);
    }

    public static long rowCount() {
        return QuarkusTransaction.requiringNew().call(() -> repository().count());
    }

    public static Optional<Notification> row(String id) {
        return QuarkusTransaction.requiringNew().call(() -> repository().findByIdOptional(UUID.fromString(id)));
    }

    private static NotificationRepository repository() {
        return CDI.current().select(NotificationRepository.class).get();
    }
}
