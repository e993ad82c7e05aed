-- Recipients and templates: POST /api/notify can name users (user_id / user_ids) and a template_code instead
-- of addresses and text. Rendering happens when a request is accepted, so a notification row keeps exactly
-- what was sent, whatever later happens to its template or user.

-- The customer's own users, by the customer's own id.
CREATE TABLE users (
    id          varchar(128) PRIMARY KEY,
    email       varchar(254),
    -- E.164, normalised on the way in.
    phone       varchar(16),
    -- BCP 47 tag (en, pt-BR); picks the template variant.
    locale      varchar(35),
    -- Opt-outs: {"sms": false, "categories": {"marketing": {"email": false}}}; what is not said is allowed.
    preferences jsonb        NOT NULL DEFAULT '{}',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now()
);

-- A user's push device tokens. One the push worker found dead (dead_device_tokens) is no longer sent to.
CREATE TABLE device_tokens (
    user_id  varchar(128)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token    varchar(4096) NOT NULL,
    added_at timestamptz   NOT NULL DEFAULT now()
);
-- md5: a b-tree entry cannot hold a token of several kilobytes.
CREATE UNIQUE INDEX device_tokens_user_token_idx ON device_tokens (user_id, md5(token));

-- Message templates, per code and channel, optionally per locale (NULL = the default variant). Rows are never
-- updated: a new POST for the same code, channel and locale adds the next version, and the newest one is used.
CREATE TABLE templates (
    id         bigserial    PRIMARY KEY,
    code       varchar(128) NOT NULL,
    channel    varchar(16)  NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'inapp')),
    locale     varchar(35),
    version    integer      NOT NULL CHECK (version > 0),
    subject    text,
    body       text         NOT NULL,
    html       text,
    title      text,
    data       jsonb,
    created_at timestamptz  NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (code, channel, locale, version)
);

-- Idempotency per request rather than per notification, since one request may now make several notifications:
-- the first answer is kept and given again for a repeated request_id / Idempotency-Key.
CREATE TABLE accepted_requests (
    request_id varchar(255) PRIMARY KEY,
    response   jsonb        NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);
INSERT INTO accepted_requests (request_id, response, created_at)
SELECT request_id, jsonb_build_object('status', 'queued', 'messageId', id::text), created_at
FROM notifications WHERE request_id IS NOT NULL;

ALTER TABLE notifications DROP CONSTRAINT notifications_request_id_key;
CREATE INDEX notifications_request_id_idx ON notifications (request_id) WHERE request_id IS NOT NULL;

-- A user who opted out of a channel, or has no address for it, still gets a row: status 'skipped' and why.
-- Such a row has nothing to publish: it is stored with published_at set, so the outbox relay never sees it.
ALTER TABLE notifications ADD COLUMN skip_reason varchar(255);
ALTER TABLE notifications ALTER COLUMN receiver DROP NOT NULL;
ALTER TABLE notifications ADD CONSTRAINT notifications_receiver_required
    CHECK (receiver IS NOT NULL OR status = 'skipped');
ALTER TABLE notifications ADD COLUMN template_version integer;
