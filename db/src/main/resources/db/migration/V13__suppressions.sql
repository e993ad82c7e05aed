-- Addresses never to be sent to again, per channel: an e-mail address that bounced hard or complained, a phone
-- number, a device token FCM answered UNREGISTERED for, or anything an operator added. A worker that claims a
-- notification to a suppressed address marks it skipped instead (DeliveryStore), so a suppression added after a
-- notification was accepted still stops it.
CREATE TABLE suppressions (
    channel         varchar(16)  NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    -- E-mail addresses in lower case, phone numbers in E.164, device tokens as they are.
    address         varchar(512) NOT NULL,
    reason          varchar(256) NOT NULL,
    source          varchar(16)  NOT NULL CHECK (source IN ('bounce', 'complaint', 'dead-token', 'operator')),
    -- The notification whose delivery revealed it (no foreign key: the entry outlives that notification's row).
    notification_id uuid,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, address)
);
CREATE INDEX suppressions_created_at_idx ON suppressions (created_at);

-- Dead device tokens are suppressions of the push channel now.
INSERT INTO suppressions (channel, address, reason, source, notification_id, created_at)
SELECT 'push', token, 'FCM answered ' || reason, 'dead-token', notification_id, marked_at FROM dead_device_tokens;
DROP TABLE dead_device_tokens;

-- A notification skipped at its claim because its address is suppressed: details name the suppression.
ALTER TABLE notification_events DROP CONSTRAINT notification_events_kind_check;
ALTER TABLE notification_events ADD CONSTRAINT notification_events_kind_check
    CHECK (kind IN ('replayed', 'undelivered', 'suppressed'));
