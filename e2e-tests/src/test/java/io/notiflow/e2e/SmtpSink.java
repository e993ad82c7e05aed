package io.notiflow.e2e;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The SMTP server the email worker sends to: GreenMail in this JVM, always on the same port, which a test can
 * take {@link #down()} (connections refused) and bring back {@link #up()}. Every message GreenMail accepts is
 * logged as an {@link Arrival}, and the log outlives restarts, so a test can count what reached the
 * recipient across a whole run.
 */
public final class SmtpSink implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    /** One message as the recipient's server received it; {@code raw} is the whole MIME text. */
    public record Arrival(String recipient, String subject, String messageId, String body, String raw) {
    }

    private final int port = ServiceProcess.freePort();
    private final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private GreenMail greenMail;

    public int port() {
        return port;
    }

    public synchronized void up() {
        if (greenMail != null) {
            return;
        }
        ServerSetup setup = new ServerSetup(port, HOST, ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(10_000);
        greenMail = new GreenMail(setup);
        greenMail.start();
        MessageDeliveryHandler store = greenMail.getUserManager().getMessageDeliveryHandler();
        greenMail.getUserManager().setMessageDeliveryHandler((message, address) -> {
            var user = store.handle(message, address);
            arrivals.add(arrival(address.getEmail(), message.getMessage()));
            return user;
        });
    }

    /** Nothing listens on the port any more: the worker's connections are refused. */
    public synchronized void down() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    public int arrivalCount() {
        return arrivals.size();
    }

    /** Arrivals whose subject starts with {@code prefix} (each test uses its own). */
    public List<Arrival> arrivals(String subjectPrefix) {
        return arrivals.stream().filter(a -> a.subject() != null && a.subject().startsWith(subjectPrefix)).toList();
    }

    /** How many times each subject starting with {@code prefix} arrived. */
    public Map<String, Long> arrivalsBySubject(String subjectPrefix) {
        return arrivals(subjectPrefix).stream()
                .collect(Collectors.groupingBy(Arrival::subject, Collectors.counting()));
    }

    private static Arrival arrival(String recipient, MimeMessage message) {
        try {
            Object content = message.getContent();
            return new Arrival(recipient, message.getSubject(), message.getHeader("Message-ID", null),
                    content instanceof String text ? text.strip() : String.valueOf(content),
                    com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(message));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("unreadable message for " + recipient, e);
        }
    }

    @Override
    public void close() {
        down();
    }
}
