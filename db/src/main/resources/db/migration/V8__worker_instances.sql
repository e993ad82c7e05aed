-- One row per running worker process (each channel worker and inapp-gateway instance), written by its
-- WorkerHeartbeat every 5 s and deleted when it stops cleanly, so the operator console can show which workers
-- run and the state of each one's provider circuit breaker without knowing their addresses. A row whose
-- seen_at stops moving belongs to a worker that died; the heartbeats of the others delete it after 10 minutes.
CREATE TABLE worker_instances (
    id               uuid         PRIMARY KEY,
    service          varchar(64)  NOT NULL,
    channel          varchar(16)  NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'inapp')),
    host             varchar(255) NOT NULL,
    provider_circuit varchar(16)  NOT NULL CHECK (provider_circuit IN ('closed', 'open', 'half_open')),
    consuming        boolean      NOT NULL,
    started_at       timestamptz  NOT NULL,
    seen_at          timestamptz  NOT NULL
);

CREATE INDEX worker_instances_seen_at_idx ON worker_instances (seen_at);
