-- Grain state of our group-commit storage provider (Presence:Storage:GrainStorage=GroupCommit, the default with
-- PostgreSQL): one row per grain and state name, the state as the silo's grain storage serializer writes it
-- (System.Text.Json), and a version that is the row's ETag. Writes of many grains go together, one transaction per
-- batch; each row is written only if its version is still the one its writer read (see GroupCommitGrainStorage.cs).
-- With GrainStorage=AdoNet, Orleans' own OrleansStorage table (002) holds the state instead; nothing is migrated
-- between the two.
-- Idempotent: safe on an empty database and again at every start. An operator may apply it by hand:
--   psql -v ON_ERROR_STOP=1 --single-transaction -f 005_grain_state.sql

CREATE TABLE IF NOT EXISTS presence_grain_state (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,  -- Orleans' GrainId as text: 'user-presence/{org}/{app}/{username}'
    state_name  text        NOT NULL,
    version     bigint      NOT NULL,  -- 1 on insert, +1 per write or clear: the ETag
    payload     bytea,                 -- null once cleared
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
)
-- Room on each page for the next version of its rows: a write changes no indexed column, so PostgreSQL can
-- update in place (HOT) without touching the primary key index.
WITH (fillfactor = 80);
