package io.notiflow.core.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.notiflow.core.correlation.Correlation;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.DeliveryJob;
import io.notiflow.core.job.JobCodec;
import io.notiflow.core.job.JobHeaders;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.store.AttemptOutcome;
import io.notiflow.core.store.DeliveryStore;
import io.notiflow.core.store.DeliveryStore.Attempt;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.telemetry.MessageTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Handles one job taken off a work queue, for any channel: skip redeliveries of settled rows, call the sender
 * through {@link GuardedSender}, then record the attempt and route the job (done, next ladder step, or DLQ).
 * <p>
 * Ordering: the status row is written first, then the job is published onward with a confirm, and only
 * then does the caller ack the original. A crash anywhere before the ack redelivers the job; the worst case
 * is one repeated send, never a lost job.
 */
@ApplicationScoped
public class DeliveryProcessor {

    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);
    private static final long STATUS_RETRY_MS = 500;

    private final JobCodec codec;
    private final JobPublisher jobs;
    private final DeliveryStore store;
    private final GuardedSender guarded;
    private final MeterRegistry metrics;
    private final MessageTracing tracing;
    private final WorkerSettings settings;
    /** What each attempt row names as its worker ({@link WorkerIdentity#name}). */
    private final String worker;

    public DeliveryProcessor(JobCodec codec, JobPublisher jobs, DeliveryStore store, GuardedSender guarded,
                             MeterRegistry metrics, MessageTracing tracing, WorkerSettings settings,
                             WorkerIdentity identity) {
        this.settings = settings;
        this.worker = identity.name();
        this.codec = codec;
        this.jobs = jobs;
        this.store = store;
        this.guarded = guarded;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /**
     * Processes one delivery. Returns normally when the job has been settled (sent, skipped, on the ladder or
     * in the DLQ) and may be acked; throws when it must be redelivered (database or broker unreachable).
     */
    @ActivateRequestContext
    public void process(ChannelSender sender, RetryPolicy policy, byte[] body, Map<String, Object> rawHeaders) {
        // A CONSUMER span continuing the trace in the job's headers; its ids are in every log line below.
        Span span = tracing.startProcessing(sender.channel(), rawHeaders);
        try (Scope ignored = span.makeCurrent()) {
            settle(sender, policy, body, rawHeaders);
        } catch (RuntimeException | Error e) {
            MessageTracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void settle(ChannelSender sender, RetryPolicy policy, byte[] body, Map<String, Object> rawHeaders) {
        Channel channel = sender.channel();
        Map<String, Object> headers = rawHeaders == null ? new HashMap<>() : new HashMap<>(rawHeaders);
        DeliveryJob job;
        try {
            job = codec.decode(body);
        } catch (IOException e) {
            LOG.errorf("unreadable job parked in %s: %s", channel.key(), e.getMessage());
            parkUnprocessable(channel, body, headers, "malformed-job", e.getMessage());
            return;
        }
        try (Correlation.Scope ignored = Correlation.inScope(job.correlationId())) {
            DeliveryStore.Claim claim = store.claim(job.notificationId(), settings.claimLease());
            if (claim.status().isEmpty()) {
                LOG.errorf("job for unknown notification %s parked in the DLQ", job.notificationId());
                parkUnprocessable(channel, body, headers, "unknown-notification",
                        "no notifications row with id " + job.notificationId());
                return;
            }
            NotificationStatus current = claim.status().get();
            if (claim.suppressed()) {
                LOG.infof("notification %s skipped, not sent: its address is suppressed", job.notificationId());
                count(channel, "suppressed");
                return;
            }
            if (current.isSettled()) {
                LOG.infof("notification %s is already %s; redelivered job acknowledged without sending",
                        job.notificationId(), current.key());
                count(channel, "duplicate-skipped");
                return;
            }
            int failedBefore = attemptsSoFar(headers, current);
            if (!claim.claimed()) {
                // Another copy of this job is being delivered right now (or its worker died within the lease).
                // Acking this copy could lose the job if that delivery fails; sending it could send twice. So it
                // waits on the first ladder step, without spending a retry, and is looked at again then.
                jobs.publishRetry(channel, 1, body, headers, failedBefore);
                count(channel, "in-progress-deferred");
                LOG.infof("notification %s is being delivered by another worker; this copy waits on retry step 1",
                        job.notificationId());
                return;
            }
            deliver(sender, policy, job, body, headers, failedBefore);
        }
    }

    private void deliver(ChannelSender sender, RetryPolicy policy, DeliveryJob job, byte[] body,
                         Map<String, Object> headers, int failedBefore) {
        Channel channel = sender.channel();
        int attemptNumber = failedBefore + 1;
        long started = System.nanoTime();
        String providerId;
        try {
            providerId = tracing.providerCall(channel, () -> guarded.send(sender, job));
        } catch (CircuitBreakerOpenException e) {
            // The provider is known to be down: wait on the ladder without spending a retry.
            int step = policy.deferralStep(failedBefore);
            // Not an attempt: numbered after the last real one, so attempt numbers stay those of real sends.
            store.defer(new Attempt(job.notificationId(), failedBefore, AttemptOutcome.DEFERRED,
                    "circuit-open", "provider circuit breaker is open; waiting on retry step " + step, 0, worker),
                    policy.delays().get(step - 1));
            jobs.publishRetry(channel, step, body, headers, failedBefore);
            count(channel, "deferred");
            LOG.warnf("notification %s deferred to retry step %d: %s circuit open", job.notificationId(), step,
                    channel.key());
            return;
        } catch (RuntimeException | LinkageError e) { // a provider SDK missing a class fails like any outage
            // A timed-out call was interrupted; the interrupt must not leak into the status write.
            Thread.interrupted();
            long millis = elapsedMillis(started);
            Failure failure = Failure.of(e);
            Attempt attempt = new Attempt(job.notificationId(), attemptNumber,
                    failure.permanent() ? AttemptOutcome.PERMANENT : AttemptOutcome.TRANSIENT,
                    failure.errorClass(), failure.message(), millis, worker);
            Optional<Integer> step = failure.retryStep(policy, attemptNumber);
            if (step.isPresent()) {
                store.scheduleRetry(attempt, attemptNumber, policy.maxRetries(), policy.delays().get(step.get() - 1));
                jobs.publishRetry(channel, step.get(), body, headers, attemptNumber);
                record(channel, "retrying", millis);
                LOG.warnf("notification %s attempt %d failed (%s: %s); retry step %d in %s", job.notificationId(),
                        attemptNumber, failure.errorClass(), failure.message(), step.get(),
                        policy.delays().get(step.get() - 1));
            } else {
                store.deadLetter(attempt);
                park(channel, body, headers, failure, attemptNumber);
                record(channel, "failed", millis);
                LOG.errorf("notification %s failed %s after %d attempt(s) (%s: %s); parked in %s",
                        job.notificationId(), failure.permanent() ? "permanently" : "for good", attemptNumber,
                        failure.errorClass(), failure.message(), channel.key() + " DLQ");
            }
            return;
        }
        // Recorded outside the provider call's try: a failed status write is not a failed send, and must not put
        // a sent message on the ladder.
        long millis = elapsedMillis(started);
        Attempt attempt = new Attempt(job.notificationId(), attemptNumber, AttemptOutcome.SENT, null, null, millis,
                worker);
        if (sender.settlesStatusItself()) {
            recordKnownOutcome(job, () -> store.markHandedOn(attempt));
            record(channel, "handed-on", millis);
            LOG.infof("notification %s handed on over %s on attempt %d (%d ms); its status is settled there",
                    job.notificationId(), channel.key(), attemptNumber, millis);
            return;
        }
        recordKnownOutcome(job, () -> store.markSent(attempt, providerId));
        record(channel, "sent", millis);
        recordLatency(channel, job);
        LOG.infof("notification %s sent over %s on attempt %d (%d ms, provider id %s)", job.notificationId(),
                channel.key(), attemptNumber, millis, providerId);
    }

    /**
     * Writes the outcome of a send that happened. The database being away for a moment must not turn it into a
     * second send: the write is tried again every {@value #STATUS_RETRY_MS} ms for up to half the claim lease,
     * holding the job (unacked) meanwhile. Only then does the failure propagate: the job is redelivered and, once
     * the lease is over, sent again.
     */
    private void recordKnownOutcome(DeliveryJob job, Runnable write) {
        long giveUpAt = System.nanoTime() + settings.claimLease().toNanos() / 2;
        while (true) {
            try {
                write.run();
                return;
            } catch (DeliveryStore.StatusWriteException e) {
                if (System.nanoTime() > giveUpAt) {
                    throw e;
                }
                LOG.warnf("notification %s was sent but its status cannot be written yet (%s); trying again",
                        job.notificationId(), e.getMessage());
                try {
                    Thread.sleep(STATUS_RETRY_MS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Failed attempts so far, from the job's header. A job that comes back from the DLQ (replayed in the
     * management console, reason headers still on it) to a failed row starts with a fresh budget.
     */
    private static int attemptsSoFar(Map<String, Object> headers, NotificationStatus current) {
        if (current == NotificationStatus.FAILED && headers.containsKey(JobHeaders.ERROR_CLASS)) {
            headers.keySet().removeAll(JobHeaders.REASONS);
            LOG.info("job replayed from the dead-letter queue; attempt budget reset");
            return 0;
        }
        Object value = headers.get(JobHeaders.ATTEMPTS);
        return value instanceof Number n ? n.intValue() : 0;
    }

    private void park(Channel channel, byte[] body, Map<String, Object> headers, Failure failure, int attempts) {
        Map<String, Object> reason = new HashMap<>(headers);
        reason.put(JobHeaders.ERROR_CLASS, failure.errorClass());
        reason.put(JobHeaders.ERROR_MESSAGE, String.valueOf(failure.message()));
        reason.put(JobHeaders.FAILURE_KIND, failure.kind());
        reason.put(JobHeaders.ATTEMPTS, attempts);
        reason.put(JobHeaders.LAST_ATTEMPT_AT, Instant.now().toString());
        jobs.publishDeadLetter(channel, body, reason);
    }

    private void parkUnprocessable(Channel channel, byte[] body, Map<String, Object> headers, String errorClass,
                                   String message) {
        park(channel, body, headers, new Failure(true, errorClass, message, Optional.empty()),
                headers.get(JobHeaders.ATTEMPTS) instanceof Number n ? n.intValue() : 0);
        count(channel, "unprocessable");
    }

    private void record(Channel channel, String outcome, long millis) {
        count(channel, outcome);
        Timer.builder("notiflow.delivery.attempt").description("Time spent in one provider call")
                .tags("channel", channel.key(), "outcome", outcome)
                .publishPercentileHistogram()
                .register(metrics).record(Duration.ofMillis(millis));
    }

    /** Accepted to sent, retries and broker time included; from the accept time the job carries. */
    private void recordLatency(Channel channel, DeliveryJob job) {
        if (job.acceptedAt() == null) {
            return; // a job published before the envelope carried it
        }
        Timer.builder("notiflow.delivery.latency").description("Time from accepting a notification to sending it")
                .tags("channel", channel.key())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(metrics).record(Duration.between(job.acceptedAt(), Instant.now()));
    }

    private void count(Channel channel, String outcome) {
        metrics.counter("notiflow.deliveries", "channel", channel.key(), "outcome", outcome).increment();
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** A sender's exception, classified. Unclassified exceptions and timeouts are transient. */
    record Failure(boolean permanent, String errorClass, String message, Optional<Duration> retryAfter) {
        static Failure of(Throwable e) {
            if (e instanceof TransientDeliveryException t) {
                return new Failure(false, t.errorClass(), t.getMessage(), t.retryAfter());
            }
            if (e instanceof DeliveryException d) {
                return new Failure(d.isPermanent(), d.errorClass(), d.getMessage(), Optional.empty());
            }
            if (e instanceof TimeoutException) {
                return new Failure(false, "timeout", "provider call timed out", Optional.empty());
            }
            return new Failure(false, e.getClass().getSimpleName(), String.valueOf(e.getMessage()),
                    Optional.empty());
        }

        /** The ladder step to wait on after attempt {@code attemptNumber}, or empty: park it in the DLQ. */
        Optional<Integer> retryStep(RetryPolicy policy, int attemptNumber) {
            return permanent ? Optional.empty() : policy.nextStep(attemptNumber, retryAfter);
        }

        /** The DLQ's failure-kind header. */
        String kind() {
            return permanent ? "permanent" : "retries-exhausted";
        }
    }
}
