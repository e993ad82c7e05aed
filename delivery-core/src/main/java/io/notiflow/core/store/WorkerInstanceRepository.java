package io.notiflow.core.store;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * {@code worker_instances}: each worker process's heartbeat row, written every {@code worker.heartbeat} (5 s). A
 * row not seen for {@link #LIVE} is a worker that stopped answering; one not seen for {@link #FORGOTTEN} is
 * deleted. Callers own the transactions.
 */
@ApplicationScoped
public class WorkerInstanceRepository implements PanacheRepositoryBase<WorkerInstance, UUID> {

    /** Six missed heartbeats: longer than a GC pause or a slow database, short enough for an operator. */
    public static final Duration LIVE = Duration.ofSeconds(30);
    public static final Duration FORGOTTEN = Duration.ofMinutes(10);

    /** Writes the instance's row, inserting it on the first beat. */
    public void beat(WorkerInstance instance) {
        getEntityManager().merge(instance);
    }

    /** Deletes the rows of workers that died without removing theirs (SIGKILL, a lost host). */
    public long forgetSilentSince(OffsetDateTime cutoff) {
        return delete("seenAt < ?1", cutoff);
    }

    public List<WorkerInstance> all() {
        return listAll(Sort.ascending("channel", "service", "startedAt"));
    }
}
