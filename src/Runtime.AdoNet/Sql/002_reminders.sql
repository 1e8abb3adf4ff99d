-- Durable reminders, polled by due time. Idempotent: safe to apply by hand or again at every start.

-- Row versions (ETags) come from one sequence, so an unregistered and re-registered reminder never
-- gets back a version that an in-flight delivery still holds.
CREATE SEQUENCE IF NOT EXISTS presence_reminder_version AS bigint;

CREATE TABLE IF NOT EXISTS presence_reminders (
    grain_type    text        NOT NULL,
    grain_key     text        NOT NULL,
    reminder_name text        NOT NULL,
    start_at      timestamptz NOT NULL,
    period        interval    NOT NULL,   -- zero: a one-shot reminder
    next_due_at   timestamptz NOT NULL,
    -- Stable hash of grain_type/grain_key (first 4 bytes of SHA-256, big-endian): lets each silo read
    -- only its own range of the hash ring once there is more than one silo.
    grain_hash    integer     NOT NULL,
    version       bigint      NOT NULL DEFAULT nextval('presence_reminder_version'),
    PRIMARY KEY (grain_type, grain_key, reminder_name)
);

-- The poll reads "due by now, oldest first"; the version breaks ties in write order.
CREATE INDEX IF NOT EXISTS presence_reminders_due_idx ON presence_reminders (next_due_at, version);
