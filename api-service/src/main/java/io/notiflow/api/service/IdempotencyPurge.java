package io.notiflow.api.service;

import io.notiflow.api.config.IdempotencySettings;
import io.notiflow.api.repository.AcceptedRequestRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes idempotency keys older than the window, in batches of {@code api.idempotency.purge-batch} rows, each its
 * own short transaction, at most {@link #MAX_BATCHES} per run; the next run takes the rest. Expired keys are
 * already ignored by every lookup, so a late purge only costs disk. Several instances may purge at once.
 */
@ApplicationScoped
public class IdempotencyPurge {

    private static final Logger LOG = Logger.getLogger(IdempotencyPurge.class);
    static final int MAX_BATCHES = 100;

    private final AcceptedRequestRepository acceptedRequests;
    private final IdempotencySettings settings;

    public IdempotencyPurge(AcceptedRequestRepository acceptedRequests, IdempotencySettings settings) {
        this.acceptedRequests = acceptedRequests;
        this.settings = settings;
    }

    @Scheduled(identity = "idempotency-purge", every = "${api.idempotency.purge-every:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(settings.window());
        int batch = Math.max(1, settings.purgeBatch());
        int purged = 0;
        try {
            for (int i = 0; i < MAX_BATCHES; i++) {
                int deleted = acceptedRequests.purge(cutoff, batch);
                purged += deleted;
                if (deleted < batch) {
                    break;
                }
            }
        } catch (SQLException e) {
            LOG.warnf("purging expired idempotency keys failed (next run retries): %s", e.getMessage());
        }
        if (purged > 0) {
            LOG.infof("purged %d idempotency key(s) older than %s", purged, settings.window());
        }
    }
}
