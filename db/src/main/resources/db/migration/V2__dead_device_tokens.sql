-- Device tokens FCM answered UNREGISTERED for (app uninstalled, token expired or rotated). The push worker
-- fails later jobs for them permanently without calling FCM; a device that registers again gets a new token.
CREATE TABLE dead_device_tokens (
    token           varchar(512) PRIMARY KEY,
    reason          varchar(64)  NOT NULL,
    -- The notification whose send revealed it (no foreign key: the token outlives that notification's row).
    notification_id uuid,
    marked_at       timestamptz  NOT NULL DEFAULT now()
);
