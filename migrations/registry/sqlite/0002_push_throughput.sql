-- Yima registry, SQLite backend, version 2. Never edited once on main: add a new file.
--
-- Push throughput. event_links and container_parties become WITHOUT ROWID tables (one
-- B-tree each, keyed by their primary key, instead of a table and an index), and
-- event_links and feed lose their foreign key to events (id): each cost a lookup in events
-- for every row written and guards nothing the ingest does not, since those rows are written
-- only by the ingest, in the transaction that writes their event, and events are
-- append-only (no row is ever deleted, by trigger). SQLite cannot drop a constraint, so each
-- table is rebuilt with its rows (feed keeps its seqs, the cursors devices hold).

CREATE TABLE event_links_v2 (
    event_id    TEXT NOT NULL,
    container   TEXT NOT NULL,
    prev        TEXT,
    PRIMARY KEY (container, event_id)
) STRICT, WITHOUT ROWID;
INSERT INTO event_links_v2 (event_id, container, prev) SELECT event_id, container, prev FROM event_links;
DROP TABLE event_links;
ALTER TABLE event_links_v2 RENAME TO event_links;
CREATE TRIGGER links_append_only_u BEFORE UPDATE ON event_links BEGIN SELECT RAISE(ABORT, 'event_links is append-only'); END;
CREATE TRIGGER links_append_only_d BEFORE DELETE ON event_links BEGIN SELECT RAISE(ABORT, 'event_links is append-only'); END;

CREATE TABLE container_parties_v2 (
    container   TEXT NOT NULL,
    org         TEXT NOT NULL,
    PRIMARY KEY (container, org)
) STRICT, WITHOUT ROWID;
INSERT INTO container_parties_v2 (container, org) SELECT container, org FROM container_parties;
DROP TABLE container_parties;
ALTER TABLE container_parties_v2 RENAME TO container_parties;

CREATE TABLE feed_v2 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    org         TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    UNIQUE (org, event_id)
) STRICT;
INSERT INTO feed_v2 (seq, org, event_id) SELECT seq, org, event_id FROM feed ORDER BY seq;
-- Seqs handed out and skipped (a row already there) stay used.
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feed'), 0))
    WHERE name = 'feed_v2';
DROP TABLE feed;
ALTER TABLE feed_v2 RENAME TO feed;
CREATE INDEX feed_org ON feed (org, seq);
