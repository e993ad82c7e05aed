package io.notiflow.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SMTP server the worker sends to, always on the same port: GreenMail when {@link #up()}, nothing when
 * {@link #down()} (connections are refused), or a scripted server that answers {@code 550} to every RCPT TO
 * when {@link #rejectingRecipients()}.
 */
public final class TestSmtpServer {

    static final String HOST = "127.0.0.1";

    private final int port;
    private GreenMail greenMail;
    private RejectingServer rejecting;

    TestSmtpServer(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** GreenMail accepts every message (with an empty mailbox after a restart). */
    public synchronized void up() {
        stopAll();
        // The previous server's last session can hold the port for a moment after it closed (the worker's end of
        // it closes on its own schedule), so the bind is tried again for a few seconds before giving up.
        for (int attempt = 1; ; attempt++) {
            ServerSetup setup = new ServerSetup(port, HOST, ServerSetup.PROTOCOL_SMTP);
            setup.setServerStartupTimeout(10_000);
            greenMail = new GreenMail(setup);
            try {
                greenMail.start();
                return;
            } catch (IllegalStateException e) {
                greenMail.stop();
                greenMail = null;
                if (attempt == 10) {
                    throw e;
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the SMTP port", e);
        }
    }

    /** Nothing listens on the port: the worker's connection is refused. */
    public synchronized void down() {
        stopAll();
    }

    /** A server that takes the connection and rejects every recipient with 550. */
    public synchronized void rejectingRecipients() {
        stopAll();
        rejecting = new RejectingServer(port);
    }

    /** Messages GreenMail received for {@code address} since it was last started. */
    public synchronized List<MimeMessage> receivedFor(String address) {
        if (greenMail == null) {
            return List.of();
        }
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> isFor(m, address)).toList();
    }

    private static boolean isFor(MimeMessage message, String address) {
        try {
            Address[] recipients = message.getAllRecipients();
            return recipients != null && Arrays.stream(recipients)
                    .anyMatch(a -> a.toString().toLowerCase(Locale.ROOT).contains(address.toLowerCase(Locale.ROOT)));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void stopAll() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
        if (rejecting != null) {
            rejecting.close();
            rejecting = null;
        }
    }

    /** Just enough SMTP for a client to reach RCPT TO and be refused there, as a server rejects a bad mailbox. */
    private static final class RejectingServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Set<Socket> sessions = ConcurrentHashMap.newKeySet();

        RejectingServer(int port) {
            try {
                socket = new ServerSocket(port, 50, InetAddress.getByName(HOST));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + port, e);
            }
            Thread acceptor = new Thread(this::accept, "rejecting-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    sessions.add(client);
                    Thread session = new Thread(() -> converse(client), "rejecting-smtp-session");
                    session.setDaemon(true);
                    session.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void converse(Socket client) {
            try (client;
                 BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                         StandardCharsets.US_ASCII));
                 PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                reply(out, "220 rejecting.test ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String command = line.length() < 4 ? line.toUpperCase(Locale.ROOT)
                            : line.substring(0, 4).toUpperCase(Locale.ROOT);
                    switch (command) {
                        case "EHLO", "HELO" -> reply(out, "250 rejecting.test");
                        case "MAIL", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                        case "RCPT" -> reply(out, "550 5.1.1 Recipient address rejected: mailbox unavailable");
                        case "QUIT" -> {
                            reply(out, "221 2.0.0 Bye");
                            return;
                        }
                        default -> reply(out, "503 5.5.1 Bad sequence of commands");
                    }
                }
            } catch (IOException e) {
                // the client hung up
            }
        }

        private static void reply(PrintWriter out, String line) {
            out.print(line + "\r\n");
            out.flush();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
            for (Socket session : sessions) {
                try {
                    session.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }
}
