package io.notiflow.email;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/** Starts an in-process SMTP server (GreenMail) on a free local port and points the mailer at it. */
public class SmtpServerResource implements QuarkusTestResourceLifecycleManager {

    private TestSmtpServer server;

    @Override
    public Map<String, String> start() {
        server = new TestSmtpServer(freePort());
        server.up();
        return Map.of(
                "quarkus.mailer.host", TestSmtpServer.HOST,
                "quarkus.mailer.port", String.valueOf(server.port()));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectSmtpServer.class, TestSmtpServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.down();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
