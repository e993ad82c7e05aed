-- An in-app notification's target is typed: a user (receiver = the user id), a room (receiver = the room name)
-- or everyone (receiver = '*'). Before, rooms and everyone were spelled into the receiver ('room:<name>',
-- 'broadcast'), so a user id spelled that way reached a room or everyone, and its token read their rows.
ALTER TABLE notifications ADD COLUMN target_kind varchar(8)
    CHECK (target_kind IN ('user', 'room', 'everyone'));

-- Existing rows, as they were written and delivered: "room": "x" stored 'room:x' and "broadcast": true stored
-- 'broadcast', and the gateways pushed both to the room and to everyone, as they did a "to" spelled the same.
-- A row made for a user profile (user_id / user_ids: user_id equals the receiver) was meant for that user.
UPDATE notifications SET target_kind = 'everyone', receiver = '*'
 WHERE type = 'inapp' AND receiver = 'broadcast' AND user_id IS DISTINCT FROM receiver;
UPDATE notifications SET target_kind = 'room', receiver = substr(receiver, 6)
 WHERE type = 'inapp' AND receiver LIKE 'room:_%' AND user_id IS DISTINCT FROM receiver;
UPDATE notifications SET target_kind = 'user' WHERE type = 'inapp' AND target_kind IS NULL;

ALTER TABLE notifications ADD CONSTRAINT notifications_inapp_target
    CHECK ((type = 'inapp') = (target_kind IS NOT NULL));

-- A user's inbox: personal rows only.
CREATE INDEX notifications_inapp_user_inbox_idx ON notifications (receiver, created_at DESC)
    WHERE type = 'inapp' AND target_kind = 'user';
DROP INDEX notifications_inapp_inbox_idx;
