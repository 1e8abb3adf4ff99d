-- Subscriptions as rows, readable from either end, so a user with 100,000 watchers is never one blob.
-- Idempotent: safe to apply by hand or again at every start.

CREATE TABLE IF NOT EXISTS presence_subscriptions (
    subscriber text        NOT NULL,
    target     text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (subscriber, target)
);

-- "Who watches this target": covers the whole row so the read can be an index-only scan.
CREATE INDEX IF NOT EXISTS presence_subscriptions_target_idx
    ON presence_subscriptions (target, subscriber) INCLUDE (expires_at);
