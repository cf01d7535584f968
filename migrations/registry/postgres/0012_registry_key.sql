-- Yima registry, PostgreSQL backend, version 12. Never edited once on main: add a new file.
-- The same table as the SQLite backend's version 11.
--
-- registry_key (issue 14): the registry's Ed25519 signing key, with which it attests the
-- evidence bundles it exports (docs/EVIDENCE-BUNDLE.md), when no key file is given in its
-- configuration. One row: the first registry to start on the database generates it and
-- inserts it (ON CONFLICT DO NOTHING), every registry then reads back the one kept, so that
-- several registries serving one database sign with one key. The secret as 64 hex digits.
CREATE TABLE registry_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      TEXT NOT NULL
);

-- On Citus: a reference table (copied to every node), as version 10 makes the directory's.
-- Version 10's function, which the registry calls whenever it starts on Citus (so that a
-- database moved to Citus afterwards is distributed then), now names it too.
CREATE OR REPLACE FUNCTION yima_distribute() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t TEXT[];
BEGIN
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['orgs', ''], ['devices', ''], ['enrolment_codes', ''], ['registry_key', ''],
        ['containers', 'code'], ['events', 'container'], ['event_links', 'container'],
        ['forks', 'container'], ['container_parties', 'container'],
        ['audit_containers', 'code'], ['audit_facts', 'container'],
        ['audit_anomalies', 'container'], ['audit_refused', 'container'],
        ['feed', 'org'], ['feed_cursors', 'org'], ['refused', 'event_id'],
        ['refused_tally', 'pushed_by'], ['track_fixes', 'event_id'],
        ['handover_offers', 'event_id']
    ] LOOP
        CONTINUE WHEN EXISTS (
            SELECT 1 FROM pg_dist_partition p
            WHERE p.logicalrelid = t[1]::regclass AND p.partmethod IN ('h', 'n')
              AND (p.partmethod = 'h' OR p.repmodel = 't'));
        IF t[2] = '' THEN
            PERFORM create_reference_table(t[1]);
        ELSIF t[1] = 'containers' THEN
            PERFORM create_distributed_table(t[1], t[2]);
        ELSE
            PERFORM create_distributed_table(t[1], t[2], colocate_with => 'containers');
        END IF;
    END LOOP;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('registry_key');
    END IF;
END;
$$;
