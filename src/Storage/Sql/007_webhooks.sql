-- Webhook outbox, failed storage and per-rule state (docs/webhooks.md).
-- The outbox row of a callback is inserted by the same statement, in the same transaction, as the grain state row of
-- the change that causes it (GrainStateWriter.cs), so an acknowledged change always has its callback stored. One
-- sender per rule at a time (the lease in presence_webhook_rule) reads a rule's rows in seq order and deletes them once
-- delivered; what still fails after its retries moves to presence_webhook_failed, kept 3 days for a resend.
-- Idempotent: safe on an empty database and again at every start. An operator may apply it by hand:
--   psql -v ON_ERROR_STOP=1 --single-transaction -f 007_webhooks.sql

CREATE TABLE IF NOT EXISTS presence_webhook_outbox (
    seq         bigserial   PRIMARY KEY,          -- commit order: one user's events follow its changes
    service_id  text        NOT NULL,
    rule        text        NOT NULL,             -- '{org}/{app}/{name}'
    app         text        NOT NULL,             -- '{org}/{app}'
    user_key    text        NOT NULL,             -- '{org}/{app}/{username}'
    event_id    uuid        NOT NULL,             -- the webhook-id of every attempt
    created_at  timestamptz NOT NULL DEFAULT now(),
    data        text        NOT NULL              -- the event as JSON (never the body: the secret stays out of the database)
);

CREATE INDEX IF NOT EXISTS presence_webhook_outbox_rule ON presence_webhook_outbox (service_id, rule, seq);

CREATE TABLE IF NOT EXISTS presence_webhook_failed (
    seq         bigint      PRIMARY KEY,          -- its place in the outbox: a resend keeps the order
    service_id  text        NOT NULL,
    rule        text        NOT NULL,
    app         text        NOT NULL,
    user_key    text        NOT NULL,
    event_id    uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    failed_at   timestamptz NOT NULL DEFAULT now(),
    reason      text        NOT NULL,
    data        text        NOT NULL
);

CREATE INDEX IF NOT EXISTS presence_webhook_failed_app ON presence_webhook_failed (service_id, app, seq);
CREATE INDEX IF NOT EXISTS presence_webhook_failed_age ON presence_webhook_failed (failed_at);

CREATE TABLE IF NOT EXISTS presence_webhook_rule (
    service_id        text        NOT NULL,
    rule              text        NOT NULL,
    owner             text,                       -- the silo whose sender holds the rule
    lease_until       timestamptz,
    paused            boolean     NOT NULL DEFAULT false,
    last_success      timestamptz,
    last_failure      timestamptz,
    failures_in_window integer    NOT NULL DEFAULT 0,
    suspended_until   timestamptz,
    resumed_at        timestamptz,                -- an operator's resume: the sender forgets its suspension
    PRIMARY KEY (service_id, rule)
);
