-- In-app read state. A personal in-app notification (receiver = the user id) goes
-- queued -> sent (pushed to at least one socket) -> delivered (a client acked it) -> read; the times say when.
ALTER TABLE notifications ADD COLUMN delivered_at timestamptz;
ALTER TABLE notifications ADD COLUMN read_at timestamptz;

-- A user's inbox and unread count: newest first by receiver, in-app rows only.
CREATE INDEX notifications_inapp_inbox_idx ON notifications (receiver, created_at DESC) WHERE type = 'inapp';
