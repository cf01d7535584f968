-- Yima registry, PostgreSQL backend, version 9. Never edited once on main: add a new file.
-- Plain SQL (no extensions) so it also runs on PostgreSQL-compatible distributed engines.
--
-- The audit index (issue 14): what a regulator or an organisation searches by, derived from
-- the signed events as they are stored, in the transaction that stores them. Neither table
-- is custody: both are rebuilt from `events` and `containers` (the registry does so once,
-- right after this migration, for the events stored before it).
--
-- audit_containers: one row per container, its summary as of its last main-chain event.
-- Its `version` grows with each push that changes the container (or forks its chain) and
-- `check_at` is when its anomalies are to be judged next: at once after a change, else at
-- its next deadline (none when no deadline runs).
-- audit_facts: what a container's events say that a search names: its custody parties and
-- their administrative divisions (`org`, `division`), its manifests, vehicle plates and
-- carriers. Only ever added to.

CREATE TABLE audit_containers (
    code        TEXT PRIMARY KEY,
    producer    TEXT NOT NULL,
    waste       TEXT NOT NULL,
    category    TEXT NOT NULL,
    division    TEXT NOT NULL,
    state       TEXT NOT NULL,
    holder      TEXT NOT NULL,
    manifest    TEXT,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    first_day   TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 0,
    check_at    BIGINT DEFAULT 0
);
-- Indexes only where a search is driven from them (a producer's containers, a state's) or
-- the evaluator looks (check_at): every index costs each push a write.
CREATE INDEX audit_containers_producer ON audit_containers (producer, code);
CREATE INDEX audit_containers_state ON audit_containers (state, code);
CREATE INDEX audit_containers_check ON audit_containers (check_at);

CREATE TABLE audit_facts (
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    container   TEXT NOT NULL,
    PRIMARY KEY (kind, value, container)
);
CREATE INDEX audit_facts_container ON audit_facts (container, kind, value);

-- audit_anomalies: what the anomaly rules (yima_core::anomalies, fork_anomalies) find in a
-- container's chain, as last judged; `event` is '' for an anomaly no event shows.
-- `found_at` is when the registry first found it.
CREATE TABLE audit_anomalies (
    container   TEXT NOT NULL,
    rule        TEXT NOT NULL,
    event       TEXT NOT NULL,
    since       BIGINT NOT NULL,
    due         BIGINT,
    en          TEXT NOT NULL,
    zh          TEXT NOT NULL,
    found_at    BIGINT NOT NULL,
    PRIMARY KEY (container, rule, event)
);
CREATE INDEX audit_anomalies_rule ON audit_anomalies (rule, container);

-- audit_refused: the events refused for a bad signature, a wrong key or a revoked one (and
-- kept whole in `refused`), by each container they name: anomalies of those containers.
-- Only ever added to.
CREATE TABLE audit_refused (
    container   TEXT NOT NULL,
    event       TEXT NOT NULL,
    why         TEXT NOT NULL,
    at          BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (container, event)
);
