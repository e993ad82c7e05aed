package io.notiflow.core.rabbit;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import io.notiflow.core.testing.LocalServices;
import io.notiflow.core.testing.TcpProxy;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker address list (RABBITMQ_ADDRESSES) against the real local RabbitMQ: two {@link TcpProxy}s in front of
 * it stand for two nodes of a cluster, so a test can take one "node" away while the broker keeps running.
 */
class BrokerConnectionTest {

    record Settings(Optional<List<String>> addresses, String host, int port) implements RabbitSettings {
        @Override
        public String username() {
            return "guest";
        }

        @Override
        public String password() {
            return "guest";
        }

        @Override
        public String virtualHost() {
            return "/";
        }

        @Override
        public Duration confirmTimeout() {
            return Duration.ofSeconds(5);
        }
    }

    @Test
    void theAddressListWinsOverHostAndPortAndAPortMayBeLeftOut() {
        List<Address> addresses = BrokerConnection.addresses(new Settings(
                Optional.of(List.of("127.0.0.1:5681", " node-2:5682", "node-3")), "ignored", 1));

        assertThat(addresses).extracting(Address::getHost).containsExactly("127.0.0.1", "node-2", "node-3");
        assertThat(addresses).extracting(Address::getPort).containsExactly(5681, 5682, 5672);
    }

    @Test
    void withoutAnAddressListHostAndPortAreTheOneNode() {
        List<Address> addresses = BrokerConnection.addresses(new Settings(Optional.empty(), "rabbit.local", 5673));

        assertThat(addresses).singleElement().satisfies(a -> {
            assertThat(a.getHost()).isEqualTo("rabbit.local");
            assertThat(a.getPort()).isEqualTo(5673);
        });
    }

    @Test
    void connectsToTheNodeThatAnswersAndNamesIt() throws Exception {
        int closed = closedPort();
        String live = LocalServices.RABBIT_HOST + ":" + LocalServices.RABBIT_PORT;
        // The client tries the list in a random order: whichever comes first, it ends on the live node.
        for (int i = 0; i < 4; i++) {
            BrokerConnection broker = new BrokerConnection(new Settings(
                    Optional.of(List.of("127.0.0.1:" + closed, live)), "unused", 1));
            try {
                assertThat(broker.connection().getPort()).isEqualTo(LocalServices.RABBIT_PORT);
                assertThat(broker.describe()).isEqualTo(live + " vhost /");
            } finally {
                broker.connection().close();
            }
        }
    }

    @Test
    void reconnectsToAnotherNodeWhenItsNodeGoesAway() throws Exception {
        try (TcpProxy node1 = new TcpProxy(LocalServices.RABBIT_HOST, LocalServices.RABBIT_PORT);
             TcpProxy node2 = new TcpProxy(LocalServices.RABBIT_HOST, LocalServices.RABBIT_PORT)) {
            BrokerConnection broker = new BrokerConnection(new Settings(
                    Optional.of(List.of("127.0.0.1:" + node1.port(), "127.0.0.1:" + node2.port())), "unused", 1));
            try {
                int first = broker.connection().getPort();
                TcpProxy lost = first == node1.port() ? node1 : node2;
                TcpProxy survivor = lost == node1 ? node2 : node1;
                assertThat(broker.describe()).isEqualTo("127.0.0.1:" + first + " vhost /");

                lost.cut();

                // Automatic recovery (one try a second) lands on the survivor; the connection object stays the same.
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.isOpen()
                        && broker.connection().getPort() == survivor.port());
                assertThat(broker.describe()).isEqualTo("127.0.0.1:" + survivor.port() + " vhost /");
                Channel channel = broker.openChannel();
                assertThat(channel.isOpen()).isTrue();
                channel.close();
            } finally {
                node1.restore();
                node2.restore();
                broker.connection().close();
            }
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
