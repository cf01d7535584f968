-- Yima registry, PostgreSQL backend, version 2. Never edited once on main: add a new file.
-- Plain SQL (no extensions) so it also runs on PostgreSQL-compatible distributed engines.
--
-- Push throughput: the foreign keys from event_links, forks and feed to events (id) go.
-- Each cost a lookup in events for every row written (about 8 µs a row on the project's
-- 2-core machine, more than the row itself), and guard nothing the ingest does not: those
-- rows are written only by the ingest, in the transaction that writes their event, and
-- events are append-only (no row is ever deleted, by trigger).

ALTER TABLE event_links DROP CONSTRAINT event_links_event_id_fkey;
ALTER TABLE forks DROP CONSTRAINT forks_event_id_fkey;
ALTER TABLE feed DROP CONSTRAINT feed_event_id_fkey;
