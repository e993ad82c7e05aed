-- One row per accepted notification; the status an operator queries with plain SQL.
CREATE TABLE notifications (
    id                  uuid         PRIMARY KEY,
    type                varchar(16)  NOT NULL CHECK (type IN ('email', 'sms', 'push', 'inapp')),
    receiver            varchar(512) NOT NULL,
    subject             varchar(998),
    title               varchar(256),
    message             text         NOT NULL,
    html                text,
    data                jsonb,
    status              varchar(16)  NOT NULL
                        CHECK (status IN ('queued', 'retrying', 'sent', 'failed', 'delivered', 'read', 'skipped')),
    retries             integer      NOT NULL DEFAULT 0,
    user_id             varchar(128),
    template_code       varchar(128),
    template_variables  jsonb,
    request_id          varchar(255) UNIQUE,
    last_error          text,
    provider_message_id varchar(255),
    correlation_id      varchar(128) NOT NULL,
    -- Transactional outbox: NULL until the broker has confirmed the job; the relay publishes what is NULL.
    published_at        timestamptz,
    sent_at             timestamptz,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX notifications_status_idx ON notifications (status);
CREATE INDEX notifications_created_at_idx ON notifications (created_at);
CREATE INDEX notifications_unpublished_idx ON notifications (created_at) WHERE published_at IS NULL;

-- Every delivery attempt a worker made, successful or not.
CREATE TABLE delivery_attempts (
    id              bigserial    PRIMARY KEY,
    notification_id uuid         NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt_number  integer      NOT NULL,
    outcome         varchar(16)  NOT NULL CHECK (outcome IN ('sent', 'transient', 'permanent', 'deferred')),
    error_class     varchar(255),
    error_message   text,
    duration_ms     bigint       NOT NULL,
    attempted_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX delivery_attempts_notification_idx ON delivery_attempts (notification_id, attempt_number);
