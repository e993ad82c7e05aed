package io.notiflow.api;

import io.notiflow.core.store.Notification;
import io.notiflow.core.testing.LocalServices;
import io.notiflow.core.testing.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accepting while RabbitMQ is unreachable: the API still answers 202 (the row is committed), and the outbox
 * relay publishes the job once the broker is back. The broker is taken away by cutting a TCP proxy.
 */
@QuarkusTest
@TestProfile(BrokerOutageTest.ThroughProxy.class)
class BrokerOutageTest {

    @Test
    void acceptsWhileTheBrokerIsDownAndPublishesWhenItReturns() throws Exception {
        // Prove the path works, then take the broker away.
        String before = accept("before the outage");
        NotifyApiTest.awaitJobs("notifications.sms", before, 1);

        BrokerProxy.proxy.cut();
        try {
            String during1 = accept("during the outage 1");
            String during2 = accept("during the outage 2");
            Thread.sleep(2000); // several relay sweeps fail meanwhile
            assertThat(List.of(during1, during2)).allSatisfy(id -> {
                Notification stored = row(id).orElseThrow();
                assertThat(stored.publishedAt).as("not on the broker yet").isNull();
            });

            BrokerProxy.proxy.restore();
            NotifyApiTest.awaitOneJobEach("notifications.sms", List.of(during1, during2));
            await().atMost(Duration.ofSeconds(15)).until(() -> row(during1).orElseThrow().publishedAt != null
                    && row(during2).orElseThrow().publishedAt != null);
        } finally {
            BrokerProxy.proxy.restore();
        }
    }

    private static String accept(String text) {
        return api().body("{\"type\":\"sms\",\"to\":\"+14155550123\",\"message\":\"" + text + "\"}")
                .post("/api/notify").then().statusCode(202).extract().path("messageId");
    }

    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BrokerProxy.class));
        }
    }

    /** Routes the service's AMQP connection through a proxy the test can cut. */
    public static class BrokerProxy implements QuarkusTestResourceLifecycleManager {
        static volatile TcpProxy proxy;

        @Override
        public Map<String, String> start() {
            proxy = new TcpProxy(LocalServices.RABBIT_HOST, LocalServices.RABBIT_PORT);
            return Map.of("rabbitmq.port", String.valueOf(proxy.port()));
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }
}
