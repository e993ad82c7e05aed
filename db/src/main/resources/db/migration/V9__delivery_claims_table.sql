-- Claims move out of notifications into a narrow table of their own. A claim written as notifications.claimed_at
-- made a new version of the whole row (message text included) twice per delivery, taking it and releasing it,
-- and, the pages being full, each version a new entry in every index of notifications. A row here is a few bytes
-- with one index: a claim is an insert, its release a delete. Semantics are those of V7: a worker claims a row
-- before calling the provider, so two copies of one job are never sent at the same time; the claim is a lease
-- (worker.claim-lease) that a later delivery takes over when its worker died; every status write releases it.
CREATE TABLE delivery_claims (
    notification_id uuid        PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
    claimed_at      timestamptz NOT NULL
);

INSERT INTO delivery_claims (notification_id, claimed_at)
SELECT id, claimed_at FROM notifications WHERE claimed_at IS NOT NULL;

ALTER TABLE notifications DROP COLUMN claimed_at;
