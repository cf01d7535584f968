-- Yima registry, SQLite backend, version 1. Never edited once on main: add a new file.
-- events, event_links, forks and refused are append-only (triggers below).

CREATE TABLE orgs (
    credit_code  TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,
    jurisdiction TEXT,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    public_key  TEXT PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES orgs (credit_code),
    role        TEXT NOT NULL,
    admin       INTEGER NOT NULL,
    enrolled_at INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES orgs (credit_code),
    role        TEXT NOT NULL,
    admin       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_by     TEXT,
    used_at     INTEGER
) STRICT;

CREATE TABLE nonces (
    public_key  TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (public_key, nonce)
) STRICT;
CREATE INDEX nonces_seen ON nonces (seen_at);

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    signatures  TEXT NOT NULL,
    step        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    recorder    TEXT NOT NULL,
    recorder_org TEXT NOT NULL,
    arrived_at  INTEGER NOT NULL,
    pushed_by   TEXT NOT NULL,
    fork_of     TEXT
) STRICT;

CREATE TABLE event_links (
    event_id    TEXT NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    prev        TEXT,
    PRIMARY KEY (container, event_id)
) STRICT;

CREATE TABLE forks (
    event_id    TEXT NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    rival       TEXT NOT NULL,
    flagged_at  INTEGER NOT NULL,
    PRIMARY KEY (event_id, container)
) STRICT;

CREATE TABLE refused (
    event_id    TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    signatures  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    pushed_by   TEXT NOT NULL,
    arrived_at  INTEGER NOT NULL
) STRICT;

-- The main chain's status per container (derived from events; rebuilt from them if lost).
CREATE TABLE containers (
    code        TEXT PRIMARY KEY,
    head        TEXT NOT NULL,
    status      TEXT NOT NULL,
    division    TEXT NOT NULL
) STRICT;

CREATE TABLE container_parties (
    container   TEXT NOT NULL,
    org         TEXT NOT NULL,
    PRIMARY KEY (container, org)
) STRICT;

CREATE TABLE feed (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    org         TEXT NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id),
    UNIQUE (org, event_id)
) STRICT;
CREATE INDEX feed_org ON feed (org, seq);

CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
CREATE TRIGGER events_append_only_d BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
CREATE TRIGGER links_append_only_u BEFORE UPDATE ON event_links BEGIN SELECT RAISE(ABORT, 'event_links is append-only'); END;
CREATE TRIGGER links_append_only_d BEFORE DELETE ON event_links BEGIN SELECT RAISE(ABORT, 'event_links is append-only'); END;
CREATE TRIGGER forks_append_only_u BEFORE UPDATE ON forks BEGIN SELECT RAISE(ABORT, 'forks is append-only'); END;
CREATE TRIGGER forks_append_only_d BEFORE DELETE ON forks BEGIN SELECT RAISE(ABORT, 'forks is append-only'); END;
CREATE TRIGGER refused_append_only_u BEFORE UPDATE ON refused BEGIN SELECT RAISE(ABORT, 'refused is append-only'); END;
CREATE TRIGGER refused_append_only_d BEFORE DELETE ON refused BEGIN SELECT RAISE(ABORT, 'refused is append-only'); END;
