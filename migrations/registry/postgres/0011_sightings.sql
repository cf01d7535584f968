-- Yima registry, PostgreSQL backend, version 11. Never edited once on main: add a new file.
-- The same tables as the SQLite backend's version 10. (Version 10 distributes the schema
-- on Citus; this one follows it there.)
--
-- sightings (issue 14): each scan of a label, whether or not the registry knows its code:
-- a view of the public label page (`org` and `device` '') or a scan an enrolled device
-- reported as itself. Where (a location fix, when the scanner had one), and whether the
-- label's signature verified (`seal`: genuine, forged, unchecked). Append-only, as custody;
-- a scan reported twice (a sync retried) is kept once.
CREATE TABLE sightings (
    code        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    org         TEXT NOT NULL,
    device      TEXT NOT NULL,
    lat_e7      INTEGER,
    lon_e7      INTEGER,
    accuracy_m  BIGINT,
    seal        TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (code, at, org, device)
);
CREATE TRIGGER sightings_append_only BEFORE UPDATE OR DELETE ON sightings FOR EACH ROW EXECUTE FUNCTION yima_append_only();

-- sighting_audit: the anomaly evaluator's due list of the sighted codes the registry holds
-- no container of (a registered code is judged with its container, in audit_containers):
-- `version` grows with each sighting, `check_at` as in audit_containers.
CREATE TABLE sighting_audit (
    code        TEXT PRIMARY KEY,
    version     BIGINT NOT NULL DEFAULT 0,
    check_at    BIGINT DEFAULT 0
);
CREATE INDEX sighting_audit_check ON sighting_audit (check_at);

-- On Citus, where version 10 distributed the custody tables by container: both tables by
-- code, co-located with `containers` (a code's sightings, its container and its anomalies
-- on one shard). On plain PostgreSQL, nothing.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'containers'::regclass) THEN
            PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
            PERFORM create_distributed_table('sightings', 'code', colocate_with => 'containers');
            PERFORM create_distributed_table('sighting_audit', 'code', colocate_with => 'containers');
        END IF;
    END IF;
END;
$$;
