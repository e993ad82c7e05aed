package io.notiflow.email;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.worker.ChannelSender;
import io.notiflow.core.worker.DeliveryException;
import io.notiflow.core.worker.PermanentDeliveryException;
import io.notiflow.core.worker.TransientDeliveryException;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Sends one email over SMTP (quarkus-mailer; host, port, credentials and sender from SMTP_* variables).
 * SMTP replies decide the failure kind: 5xx is permanent, 4xx and anything that is not an answer
 * (refused connection, timeout, dropped session) is worth retrying. The Message-ID derives from the notification's id;
 * with SMTP_BOUNCE_DOMAIN set, so does the envelope sender ({@code bounces+<id>@<domain>}).
 */
@ApplicationScoped
public class SmtpEmailSender implements ChannelSender {

    private final Mailer mailer;
    /** SMTP_BOUNCE_DOMAIN: the domain of each message's own envelope sender (VERP); empty: the From address. */
    private final Optional<String> bounceDomain;

    public SmtpEmailSender(Mailer mailer, @ConfigProperty(name = "email.bounce-domain") Optional<String> bounceDomain) {
        this.mailer = mailer;
        this.bounceDomain = bounceDomain.map(String::trim).filter(d -> !d.isEmpty());
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public String send(DeliveryJob job) {
        // Our own Message-ID, the same on every attempt: it is recorded as the provider id, and a receiving
        // server can recognise the one repeated send that at-least-once delivery allows.
        String messageId = "<" + job.notificationId() + "@notiflow>";
        Mail mail = Mail.withText(job.receiver(), job.subject(), job.message()).addHeader("Message-ID", messageId);
        if (job.html() != null) {
            mail.setHtml(job.html());
        }
        // VERP: a bounce comes back to an address that names the notification it is about.
        bounceDomain.ifPresent(domain -> mail.setBounceAddress("bounces+" + job.notificationId() + "@" + domain));
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            throw classify(e);
        }
        return messageId;
    }

    /** The SMTP reply code is found somewhere in the cause chain (the blocking mailer wraps the client's error). */
    static DeliveryException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String errorClass = "smtp-" + smtp.getReplyCode();
                String message = oneLine(smtp.getMessage());
                return smtp.getReplyCode() >= 500 && smtp.getReplyCode() < 600
                        ? new PermanentDeliveryException(errorClass, message, failure)
                        : new TransientDeliveryException(errorClass, message, failure);
            }
            if (t instanceof IllegalArgumentException) {
                // The mailer refused to build the message (an address it cannot parse): no retry changes that.
                return new PermanentDeliveryException("invalid-message", oneLine(t.getMessage()), failure);
            }
            if (t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException) {
                return new TransientDeliveryException("smtp-timeout", "SMTP server did not answer in time", failure);
            }
            if (t instanceof ConnectException) {
                return new TransientDeliveryException("smtp-connect", oneLine(t.getMessage()), failure);
            }
        }
        Throwable root = rootCause(failure);
        return new TransientDeliveryException("smtp-unavailable",
                root.getClass().getSimpleName() + ": " + oneLine(root.getMessage()), failure);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
