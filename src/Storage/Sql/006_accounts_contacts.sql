-- Registered users and their contacts (docs/architecture.md#accounts). Idempotent: safe to apply again at every start.

-- One row per user of an app ({org}/{app}); the primary key is what makes a username unique under concurrent
-- registration on any number of silos. The password only as its PBKDF2 hash (ASP.NET Core Identity's format).
CREATE TABLE IF NOT EXISTS presence_accounts (
    app           text        NOT NULL,
    username      text        NOT NULL,
    password_hash text        NOT NULL,
    nickname      text,
    activated     boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL,
    modified_at   timestamptz NOT NULL,
    PRIMARY KEY (app, username)
);

-- Contacts are two-way: both rows are written (and deleted) in one transaction, and each user's grain loads its own.
CREATE TABLE IF NOT EXISTS presence_contacts (
    app        text        NOT NULL,
    owner      text        NOT NULL,
    friend     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (app, owner, friend)
);

-- A deleted user's rows as friend (the other half of each pair).
CREATE INDEX IF NOT EXISTS presence_contacts_friend_idx ON presence_contacts (app, friend);
