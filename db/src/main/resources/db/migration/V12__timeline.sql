-- A notification's timeline: every event, each in an append-only row or a column written once.
--   accepted      notifications.created_at, with the API key's fingerprint (api_key_hint) and the correlation id
--   published     notifications.published_at
--   claimed, each attempt, and its verdict (sent, handed on, retry scheduled, deferred, dead-lettered)
--                 delivery_attempts: the verdict's statement also copies the claim it releases (claimed_at, the
--                 worker that held it) and, for a retry, when it is due and out of how many
--   delivered, read   notifications.delivered_at, read_at
--   everything else (a replay from the dead-letter queue, a provider's report that a message was not delivered)
--                 notification_events
-- Rows from before this have none of the new columns: their timeline shows what they kept.
ALTER TABLE notifications ADD COLUMN api_key_hint varchar(32);
-- A provider's final word on the message (Twilio's MessageStatus: delivered, undelivered, failed), from its signed
-- status callback. The first one wins, and it may come before the worker has written its own verdict: that
-- verdict keeps the status it says (delivered, failed) instead of writing sent over it.
ALTER TABLE notifications ADD COLUMN provider_status varchar(16)
    CHECK (provider_status IN ('delivered', 'undelivered', 'failed'));

ALTER TABLE delivery_attempts ADD COLUMN verdict varchar(16)
    CHECK (verdict IN ('sent', 'handed-on', 'retry', 'deferred', 'dead-letter'));
ALTER TABLE delivery_attempts ADD COLUMN claimed_at timestamptz;
ALTER TABLE delivery_attempts ADD COLUMN worker varchar(255);
ALTER TABLE delivery_attempts ADD COLUMN retry_at timestamptz;
ALTER TABLE delivery_attempts ADD COLUMN max_retries integer;
-- A claim taken over after the lease (its worker stopped answering, perhaps after it had sent): the attempt made
-- under it may repeat a send. The timeline shows it as possible-duplicate.
ALTER TABLE delivery_claims ADD COLUMN taken_over boolean NOT NULL DEFAULT false;
ALTER TABLE delivery_attempts ADD COLUMN took_over_claim boolean;

CREATE TABLE notification_events (
    id              bigserial    PRIMARY KEY,
    notification_id uuid         NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    kind            varchar(32)  NOT NULL CHECK (kind IN ('replayed', 'undelivered')),
    at              timestamptz  NOT NULL DEFAULT now(),
    -- What the event says beyond its kind, e.g. {"replay_id": 7} or {"provider": "twilio", "status": "undelivered",
    -- "error_code": "30003"}.
    details         jsonb
);

CREATE INDEX notification_events_notification_idx ON notification_events (notification_id, id);
