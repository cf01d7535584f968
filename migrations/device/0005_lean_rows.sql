-- Yima device store, version 5: fewer b-trees and no temporary table per recorded event,
-- the same rows. A migration, once on main, is never edited: add a new file instead.
--
-- * outbox: its status check was `status IN ('pending', 'accepted', 'refused')`, which
--   SQLite evaluates by building a temporary table of the three values for every row
--   inserted or updated (one per event this device records). The same check, written as
--   three comparisons.
-- * containers, label_sequences and batches are looked up only by their primary key: as
--   WITHOUT ROWID tables each row is stored once, in its key's b-tree, instead of in a
--   rowid table plus an index of the key (one b-tree write per row instead of two).
--
-- Each table is renamed, copied into its new form and dropped; its triggers (which went
-- with the renamed table) are recreated. No foreign key names these tables.

ALTER TABLE outbox RENAME TO outbox_v4;
CREATE TABLE outbox (
    event       INTEGER PRIMARY KEY REFERENCES events (pos),
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status = 'pending' OR status = 'accepted' OR status = 'refused'),
    reason      TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;
INSERT INTO outbox (event, status, reason, updated_at)
SELECT event, status, reason, updated_at FROM outbox_v4 ORDER BY event;
DROP TABLE outbox_v4;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;

ALTER TABLE containers RENAME TO containers_v4;
CREATE TABLE containers (
    code            TEXT PRIMARY KEY,
    event_id        BLOB NOT NULL REFERENCES events (id),
    waste_code      TEXT NOT NULL,
    category        TEXT NOT NULL,
    name            TEXT NOT NULL,
    producer        TEXT NOT NULL,
    generated_on    TEXT NOT NULL,
    quantity_milli  INTEGER NOT NULL,
    unit            TEXT NOT NULL,
    catalogue_edition TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO containers (code, event_id, waste_code, category, name, producer, generated_on,
                        quantity_milli, unit, catalogue_edition)
SELECT code, event_id, waste_code, category, name, producer, generated_on, quantity_milli,
       unit, catalogue_edition
FROM containers_v4 ORDER BY code;
DROP TABLE containers_v4;
CREATE TRIGGER containers_no_update BEFORE UPDATE ON containers
BEGIN SELECT RAISE(ABORT, 'custody table containers is append-only'); END;
CREATE TRIGGER containers_no_delete BEFORE DELETE ON containers
BEGIN SELECT RAISE(ABORT, 'custody table containers is append-only'); END;

ALTER TABLE label_sequences RENAME TO label_sequences_v4;
CREATE TABLE label_sequences (
    producer    TEXT    NOT NULL,
    waste_code  TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),
    PRIMARY KEY (producer, waste_code, day, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO label_sequences (producer, waste_code, day, seq)
SELECT producer, waste_code, day, seq FROM label_sequences_v4
ORDER BY producer, waste_code, day, seq;
DROP TABLE label_sequences_v4;
CREATE TRIGGER label_sequences_no_update BEFORE UPDATE ON label_sequences
BEGIN SELECT RAISE(ABORT, 'custody table label_sequences is append-only'); END;
CREATE TRIGGER label_sequences_no_delete BEFORE DELETE ON label_sequences
BEGIN SELECT RAISE(ABORT, 'custody table label_sequences is append-only'); END;

ALTER TABLE batches RENAME TO batches_v4;
CREATE TABLE batches (
    code        TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;
INSERT INTO batches (code) SELECT code FROM batches_v4 ORDER BY code;
DROP TABLE batches_v4;
CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches
BEGIN SELECT RAISE(ABORT, 'custody table batches is append-only'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'custody table batches is append-only'); END;
