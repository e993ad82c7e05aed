-- Claims move out of notifications into a narrow table of their own. A claim written as notifications.claimed_at
-- made a new version of the whole row (message text included) twice per delivery, taking it and releasing it,
-- and, where the row's page was full, each version a new entry in every index of notifications. A row here is a
-- few bytes with one index: a claim is an insert, its release a delete. Semantics are those of V7: a worker claims a row
-- before calling the provider, so two copies of one job are never sent at the same time; the claim is a lease
-- (worker.claim-lease) that a later delivery takes over when its worker died; every status write releases it.
-- No foreign key: its check would lock the notifications row on every claim (a WAL record, and a page dirtied
-- that nothing else needed to touch). A claim lives only while its delivery is in flight, and is taken only for
-- a row that exists (the claim inserts from a SELECT of it); a claim left behind by a row an operator deleted by
-- hand blocks nothing.
CREATE TABLE delivery_claims (
    notification_id uuid        PRIMARY KEY,
    claimed_at      timestamptz NOT NULL
);

INSERT INTO delivery_claims (notification_id, claimed_at)
SELECT id, claimed_at FROM notifications WHERE claimed_at IS NOT NULL;

ALTER TABLE notifications DROP COLUMN claimed_at;
