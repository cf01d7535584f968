-- Yima registry, PostgreSQL backend, version 1. Never edited once on main: add a new file.
-- Plain SQL (no extensions) so it also runs on PostgreSQL-compatible distributed engines.
-- events, event_links, forks and refused are append-only (triggers below).

CREATE TABLE orgs (
    credit_code  TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,
    jurisdiction TEXT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE devices (
    public_key  TEXT PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES orgs (credit_code),
    role        TEXT NOT NULL,
    admin       BOOLEAN NOT NULL,
    enrolled_at BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES orgs (credit_code),
    role        TEXT NOT NULL,
    admin       BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_by     TEXT,
    used_at     BIGINT
);

CREATE TABLE nonces (
    public_key  TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    seen_at     BIGINT NOT NULL,
    PRIMARY KEY (public_key, nonce)
);
CREATE INDEX nonces_seen ON nonces (seen_at);

CREATE TABLE events (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    signatures  TEXT NOT NULL,
    step        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    recorder    TEXT NOT NULL,
    recorder_org TEXT NOT NULL,
    arrived_at  BIGINT NOT NULL,
    pushed_by   TEXT NOT NULL,
    fork_of     TEXT
);

CREATE TABLE event_links (
    event_id    TEXT NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    prev        TEXT,
    PRIMARY KEY (container, event_id)
);

CREATE TABLE forks (
    event_id    TEXT NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    rival       TEXT NOT NULL,
    flagged_at  BIGINT NOT NULL,
    PRIMARY KEY (event_id, container)
);

CREATE TABLE refused (
    event_id    TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    signatures  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    pushed_by   TEXT NOT NULL,
    arrived_at  BIGINT NOT NULL
);

CREATE TABLE containers (
    code        TEXT PRIMARY KEY,
    head        TEXT NOT NULL,
    status      TEXT NOT NULL,
    division    TEXT NOT NULL
);

CREATE TABLE container_parties (
    container   TEXT NOT NULL,
    org         TEXT NOT NULL,
    PRIMARY KEY (container, org)
);

-- A feed's cursor is its seq, so seqs must become visible in the order they are handed out.
-- A sequence would not do: two ingests take 5 and 6, 6 commits first, a reader moves its
-- cursor past 5, then 5 commits and is never read. Each ingest therefore takes its seqs from
-- this one row, which stays locked until it commits; a plain row lock, which distributed
-- PostgreSQL-compatible engines have too.
CREATE TABLE feed_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq    BIGINT NOT NULL
);
INSERT INTO feed_head (id, last_seq) VALUES (1, 0);

CREATE TABLE feed (
    seq         BIGINT PRIMARY KEY,
    org         TEXT NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id),
    UNIQUE (org, event_id)
);
CREATE INDEX feed_org ON feed (org, seq);

CREATE FUNCTION yima_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION yima_append_only();
CREATE TRIGGER links_append_only BEFORE UPDATE OR DELETE ON event_links FOR EACH ROW EXECUTE FUNCTION yima_append_only();
CREATE TRIGGER forks_append_only BEFORE UPDATE OR DELETE ON forks FOR EACH ROW EXECUTE FUNCTION yima_append_only();
CREATE TRIGGER refused_append_only BEFORE UPDATE OR DELETE ON refused FOR EACH ROW EXECUTE FUNCTION yima_append_only();
