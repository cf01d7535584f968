-- Yima registry, PostgreSQL backend, version 3. Never edited once on main: add a new file.
-- Plain SQL (no extensions) so it also runs on PostgreSQL-compatible distributed engines.
--
-- Push throughput: a feed row names its event by the event's seq instead of its id. Event
-- ids are hashes, so the feed's unique index (org, event_id) took every new row at a random
-- place (a page touched, and after each checkpoint written whole to the WAL, per event).
-- Seqs grow, so (org, event_seq) takes new rows at the end of each organisation's range.
-- Reading a feed now joins events by their primary key.

ALTER TABLE feed ADD COLUMN event_seq BIGINT;
UPDATE feed SET event_seq = e.seq FROM events e WHERE e.id = feed.event_id;
ALTER TABLE feed ALTER COLUMN event_seq SET NOT NULL;
-- Dropping the column drops the unique constraint (org, event_id) with it.
ALTER TABLE feed DROP COLUMN event_id;
ALTER TABLE feed ADD CONSTRAINT feed_org_event_seq UNIQUE (org, event_seq);
