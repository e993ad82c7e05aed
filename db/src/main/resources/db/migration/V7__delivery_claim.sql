-- A worker claims a row before calling the provider, so two copies of one job (a relay republish after a
-- lost stamp, a redelivery) are never sent at the same time. The claim is a lease: a worker that dies while
-- holding it blocks nobody for longer than worker.claim-lease. Every status write clears it.
ALTER TABLE notifications ADD COLUMN claimed_at timestamptz;
