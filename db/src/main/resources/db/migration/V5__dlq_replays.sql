-- Every replay of a dead-letter queue an operator asked for (POST /api/dlq/{channel}/replay): when, which
-- channel, what was selected, and what went back to the work queue.
CREATE TABLE dlq_replays (
    id               bigserial    PRIMARY KEY,
    channel          varchar(16)  NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'inapp')),
    selector         varchar(16)  NOT NULL CHECK (selector IN ('all', 'ids', 'error_class')),
    -- The error class asked for, or the ids asked for (comma-separated); NULL for 'all'.
    selector_value   text,
    requested_at     timestamptz  NOT NULL DEFAULT now(),
    replayed_count   integer      NOT NULL,
    -- JSON array of the notification ids whose jobs went back to the work queue.
    notification_ids jsonb        NOT NULL,
    -- Which API key asked: a fingerprint (sha256 prefix), never the key itself.
    api_key_hint     varchar(32),
    correlation_id   varchar(128)
);

CREATE INDEX dlq_replays_requested_at_idx ON dlq_replays (requested_at);
