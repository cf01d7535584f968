-- Yima registry, SQLite backend, version 3. Never edited once on main: add a new file.
--
-- Push throughput: a feed row names its event by the event's seq instead of its id. Event
-- ids are hashes, so the feed's unique index (org, event_id) took every new row at a random
-- place: about one B-tree page rewritten (and written to the WAL, then checkpointed) per
-- event. Seqs grow, so (org, event_seq) takes new rows at the end of each organisation's
-- range, a few pages per push. Reading a feed now joins events by their rowid. The table is
-- rebuilt with its rows and its seqs (the cursors devices hold).

CREATE TABLE feed_v3 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    org         TEXT NOT NULL,
    event_seq   INTEGER NOT NULL,
    UNIQUE (org, event_seq)
) STRICT;
INSERT INTO feed_v3 (seq, org, event_seq)
    SELECT f.seq, f.org, e.seq FROM feed f JOIN events e ON e.id = f.event_id ORDER BY f.seq;
-- Seqs handed out and skipped (a row already there) stay used.
DELETE FROM sqlite_sequence WHERE name = 'feed_v3';
INSERT INTO sqlite_sequence (name, seq) VALUES ('feed_v3', max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feed'), 0),
    coalesce((SELECT max(seq) FROM feed_v3), 0)));
DROP TABLE feed;
ALTER TABLE feed_v3 RENAME TO feed;
CREATE INDEX feed_org ON feed (org, seq);
