-- Yima registry, PostgreSQL backend, version 10. Never edited once on main: add a new file.
--
-- A schema that distributes (issue 16): the same tables on plain PostgreSQL and on Citus,
-- where the last block below distributes them when the extension is present. What Citus
-- refused in version 9, and what changes for it:
--
-- - Unique keys must include the distribution column. Custody rows go by container: an
--   event by its home container, the first (smallest) code it links, kept in
--   `events.container` and beside each of its links (`event_links.home`), so the rows one
--   push writes for one container sit on one shard; the feed by the organisation reading it.
-- - No global sequence or single hot row on the ingest path. `events.seq` no longer comes
--   from a sequence: it is the event's position, above the seq of every event already
--   linked to any of its containers and at least the arrival time in microseconds, so it
--   grows along each container's chain (the ingest holds the containers' locks) and sorts
--   a container's history as before; unique per home container, not across the registry.
--   Older events keep their seqs, all far below the new positions. The feed's `feed_head`
--   row gives way to a cursor per reading organisation (`feed_cursors`): a feed's seq
--   counts that organisation's entries, and a feed row names its event by (home, seq).
-- - No foreign key to a table distributed by another column: track_fixes' goes, as 0002's
--   did for the same reason (rows written only by the ingest, events append-only).
-- - Triggers on a distributed table need `citus.enable_unsafe_triggers` when distributing;
--   the append-only trigger touches nothing else, so it is safe on each shard, where it
--   fires with the shard's name: the message names the table.

CREATE OR REPLACE FUNCTION yima_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '');
END;
$$;

-- Each event's home container. Filling the new columns of older rows is the one update
-- these append-only tables ever take, with their triggers off inside this transaction.
ALTER TABLE events DISABLE TRIGGER events_append_only;
ALTER TABLE event_links DISABLE TRIGGER links_append_only;
ALTER TABLE events ADD COLUMN container TEXT;
UPDATE events e SET container = l.home
    FROM (SELECT event_id, min(container) AS home FROM event_links GROUP BY event_id) l
    WHERE l.event_id = e.id;
-- Every stored event links a container; one that did not would live in the home ''.
UPDATE events SET container = '' WHERE container IS NULL;
ALTER TABLE events ALTER COLUMN container SET NOT NULL;
ALTER TABLE event_links ADD COLUMN home TEXT;
ALTER TABLE event_links ADD COLUMN seq BIGINT;
UPDATE event_links l SET home = e.container, seq = e.seq FROM events e WHERE e.id = l.event_id;
ALTER TABLE event_links ALTER COLUMN home SET NOT NULL;
ALTER TABLE event_links ALTER COLUMN seq SET NOT NULL;
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE event_links ENABLE TRIGGER links_append_only;

-- The feed by organisation, its rows naming events by (home, seq), its seqs per organisation.
ALTER TABLE feed ADD COLUMN event_container TEXT;
UPDATE feed f SET event_container = e.container FROM events e WHERE e.seq = f.event_seq;
ALTER TABLE feed ALTER COLUMN event_container SET NOT NULL;
ALTER TABLE feed DROP CONSTRAINT feed_pkey;
ALTER TABLE feed DROP CONSTRAINT feed_org_event_seq;
DROP INDEX feed_org;
ALTER TABLE feed ADD PRIMARY KEY (org, seq);
-- Positions grow: an organisation's new rows go at the end of its range of this index.
ALTER TABLE feed ADD CONSTRAINT feed_org_event UNIQUE (org, event_seq, event_container);
CREATE TABLE feed_cursors (
    org         TEXT PRIMARY KEY,
    last_seq    BIGINT NOT NULL
);
INSERT INTO feed_cursors (org, last_seq) SELECT org, max(seq) FROM feed GROUP BY org;
DROP TABLE feed_head;

-- Events: keyed within their home container; seq a position, not a sequence's number.
ALTER TABLE track_fixes DROP CONSTRAINT track_fixes_event_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events DROP CONSTRAINT events_id_key;
ALTER TABLE events ALTER COLUMN seq DROP DEFAULT;
DROP SEQUENCE events_seq_seq;
ALTER TABLE events ADD PRIMARY KEY (container, id);
ALTER TABLE events ADD CONSTRAINT events_container_seq UNIQUE (container, seq);

-- On Citus (the extension created in this database, its workers added): organisations,
-- devices and enrolment codes copied to every node; custody, audit and feed tables
-- distributed and co-located by their text keys. Nonces (short-lived, per request) and
-- the bookkeeping stay on the coordinator. Tables already distributed are left as they
-- are: the registry calls this again whenever it starts on Citus, so a database moved to
-- Citus after this migration (the extension created, the workers added) is distributed
-- then.
CREATE FUNCTION yima_distribute() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t TEXT[];
BEGIN
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['orgs', ''], ['devices', ''], ['enrolment_codes', ''],
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
        PERFORM yima_distribute();
    END IF;
END;
$$;
