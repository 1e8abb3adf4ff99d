-- Grain state: one row per (grain, state name), written with optimistic concurrency on "version".
-- Idempotent: safe to apply by hand (psql -v ON_ERROR_STOP=1 -f 001_grain_state.sql) or again at every start.

-- Versions come from one sequence, so a version is never reused: a record that is cleared and written
-- again gets a new version, and a stale writer still holding the old one is rejected (no ABA).
CREATE SEQUENCE IF NOT EXISTS presence_grain_state_version AS bigint;

CREATE TABLE IF NOT EXISTS presence_grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    version     bigint      NOT NULL,
    -- UTF-8 JSON written by System.Text.Json; inspect with convert_from(payload, 'UTF8')::jsonb.
    -- bytea rather than jsonb: it takes any string the grain holds (jsonb rejects \u0000) and skips a parse per write.
    payload     bytea       NOT NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key, state_name)
);
