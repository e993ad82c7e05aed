package io.notiflow.email;

import io.notiflow.core.worker.DeliveryException;
import io.vertx.ext.mail.SMTPException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** How SMTP failures, as the blocking mailer throws them, become permanent or transient delivery failures. */
class SmtpErrorMappingTest {

    @Test
    void replyCode5xxIsPermanent() {
        DeliveryException failure = SmtpEmailSender.classify(new CompletionException(
                smtp(550, "550 5.1.1 <nobody@example.com>: Recipient address rejected")));

        assertThat(failure.isPermanent()).isTrue();
        assertThat(failure.errorClass()).isEqualTo("smtp-550");
        assertThat(failure.getMessage()).contains("Recipient address rejected").doesNotContain("\n");
    }

    @Test
    void replyCode4xxIsTransient() {
        DeliveryException failure = SmtpEmailSender.classify(new CompletionException(
                smtp(421, "421 4.3.2 Service not available, closing transmission channel")));

        assertThat(failure.isPermanent()).isFalse();
        assertThat(failure.errorClass()).isEqualTo("smtp-421");
    }

    @Test
    void refusedConnectionIsTransient() {
        DeliveryException failure = SmtpEmailSender.classify(
                new CompletionException(new ConnectException("Connection refused: /127.0.0.1:25")));

        assertThat(failure.isPermanent()).isFalse();
        assertThat(failure.errorClass()).isEqualTo("smtp-connect");
    }

    @Test
    void blockingMailerTimeoutIsTransient() {
        DeliveryException failure = SmtpEmailSender.classify(new io.smallrye.mutiny.TimeoutException());

        assertThat(failure.isPermanent()).isFalse();
        assertThat(failure.errorClass()).isEqualTo("smtp-timeout");
    }

    @Test
    void addressTheMailerCannotUseIsPermanent() {
        DeliveryException failure = SmtpEmailSender.classify(
                new IllegalArgumentException("Unable to send an email, an email address is invalid"));

        assertThat(failure.isPermanent()).isTrue();
        assertThat(failure.errorClass()).isEqualTo("invalid-message");
    }

    @Test
    void anythingElseIsTransient() {
        DeliveryException failure = SmtpEmailSender.classify(
                new CompletionException(new IllegalStateException("Connection was closed")));

        assertThat(failure.isPermanent()).isFalse();
        assertThat(failure.errorClass()).isEqualTo("smtp-unavailable");
        assertThat(failure.getMessage()).isEqualTo("IllegalStateException: Connection was closed");
    }

    private static SMTPException smtp(int code, String reply) {
        return new SMTPException("recipient address not accepted", code, List.of(reply), true);
    }
}
