-- Yima registry, SQLite backend, version 10. Never edited once on main: add a new file.
-- The same tables as the PostgreSQL backend's version 11 (its version 10 distributes the
-- schema on Citus and has no SQLite counterpart).
--
-- sightings (issue 14): each scan of a label, whether or not the registry knows its code:
-- a view of the public label page (`org` and `device` '') or a scan an enrolled device
-- reported as itself. Where (a location fix, when the scanner had one), and whether the
-- label's signature verified (`seal`: genuine, forged, unchecked). Append-only, as custody;
-- a scan reported twice (a sync retried) is kept once.
CREATE TABLE sightings (
    code        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    org         TEXT NOT NULL,
    device      TEXT NOT NULL,
    lat_e7      INTEGER,
    lon_e7      INTEGER,
    accuracy_m  INTEGER,
    seal        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (code, at, org, device)
);
CREATE TRIGGER sightings_append_only_u BEFORE UPDATE ON sightings BEGIN SELECT RAISE(ABORT, 'sightings is append-only'); END;
CREATE TRIGGER sightings_append_only_d BEFORE DELETE ON sightings BEGIN SELECT RAISE(ABORT, 'sightings is append-only'); END;

-- sighting_audit: the anomaly evaluator's due list of the sighted codes the registry holds
-- no container of (a registered code is judged with its container, in audit_containers):
-- `version` grows with each sighting, `check_at` as in audit_containers.
CREATE TABLE sighting_audit (
    code        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 0,
    check_at    INTEGER DEFAULT 0
);
CREATE INDEX sighting_audit_check ON sighting_audit (check_at);
