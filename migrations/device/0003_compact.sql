-- Yima device store, version 3: the same custody record in smaller rows with fewer and
-- cheaper index entries, so that capturing an event writes less. A migration, once on main,
-- is never edited: add a new file instead.
--
-- * Event ids, keys, signatures and chain links are stored as their bytes (BLOB of 32 or 64
--   bytes), not as hex text twice their size.
-- * event_signatures and outbox rows name their event by its local position (events.pos):
--   they are appended in order instead of into random places of a hex-keyed index.
-- * event_links loses its index by event and events its index by time (no query used them).
--
-- The old tables are renamed (their foreign keys follow), copied into the new ones and
-- dropped. An old row whose hex does not decode keeps its text as bytes, so that `yima
-- verify` reports it instead of this migration hiding it.

ALTER TABLE events RENAME TO events_v2;
ALTER TABLE event_signatures RENAME TO event_signatures_v2;
ALTER TABLE event_links RENAME TO event_links_v2;
ALTER TABLE containers RENAME TO containers_v2;
ALTER TABLE outbox RENAME TO outbox_v2;

CREATE TABLE events (
    pos         INTEGER PRIMARY KEY,               -- local arrival order
    id          BLOB    NOT NULL UNIQUE,           -- SHA-256 of body (32 bytes)
    body        BLOB    NOT NULL,                  -- canonical encoding
    step        TEXT    NOT NULL,
    at          INTEGER NOT NULL,                  -- when it happened (device clock, ms)
    recorder    BLOB    NOT NULL,                  -- public key of the recorder (32 bytes)
    recorder_org TEXT   NOT NULL,
    composer    BLOB    NOT NULL,                  -- key of the device that composed it (the giver in a handover)
    seq         INTEGER NOT NULL,                  -- the composer's counter
    stored_at   INTEGER NOT NULL                   -- when this device stored it
) STRICT;
INSERT INTO events (pos, id, body, step, at, recorder, recorder_org, composer, seq, stored_at)
SELECT pos, coalesce(unhex(id), CAST(id AS BLOB)), body, step, at,
       coalesce(unhex(recorder), CAST(recorder AS BLOB)), recorder_org,
       coalesce(unhex(composer), CAST(composer AS BLOB)), seq, stored_at
FROM events_v2 ORDER BY pos;

CREATE TABLE event_signatures (
    event       INTEGER NOT NULL REFERENCES events (pos),
    public_key  BLOB    NOT NULL,                  -- 32 bytes
    signature   BLOB    NOT NULL,                  -- 64 bytes
    PRIMARY KEY (event, public_key)
) STRICT;
INSERT INTO event_signatures (event, public_key, signature)
SELECT e.pos, coalesce(unhex(s.public_key), CAST(s.public_key AS BLOB)),
       coalesce(unhex(s.signature), CAST(s.signature AS BLOB))
FROM event_signatures_v2 s JOIN events_v2 e ON e.id = s.event_id ORDER BY s.rowid;

-- One row per container an event concerns: the per-container hash chain.
CREATE TABLE event_links (
    event_id    BLOB NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    prev        BLOB,
    state_after TEXT NOT NULL,
    holder_after TEXT NOT NULL,
    PRIMARY KEY (container, event_id)
) STRICT;
INSERT INTO event_links (event_id, container, prev, state_after, holder_after)
SELECT coalesce(unhex(event_id), CAST(event_id AS BLOB)), container,
       coalesce(unhex(prev), CAST(prev AS BLOB)), state_after, holder_after
FROM event_links_v2 ORDER BY rowid;

-- Containers whose label this device knows (from their generating, merge or split event).
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
) STRICT;
INSERT INTO containers (code, event_id, waste_code, category, name, producer, generated_on,
                        quantity_milli, unit, catalogue_edition)
SELECT code, coalesce(unhex(event_id), CAST(event_id AS BLOB)), waste_code, category, name,
       producer, generated_on, quantity_milli, unit, catalogue_edition
FROM containers_v2 ORDER BY rowid;

-- Events not yet accepted by the registry. Status changes; rows are never deleted.
CREATE TABLE outbox (
    event       INTEGER PRIMARY KEY REFERENCES events (pos),
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    reason      TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;
INSERT INTO outbox (event, status, reason, updated_at)
SELECT e.pos, o.status, o.reason, o.updated_at
FROM outbox_v2 o JOIN events_v2 e ON e.id = o.event_id ORDER BY e.pos;

-- Children first, so no foreign key is left pointing at a dropped table. (Dropping a table
-- fires none of its triggers; its triggers go with it.)
DROP TABLE outbox_v2;
DROP TABLE containers_v2;
DROP TABLE event_links_v2;
DROP TABLE event_signatures_v2;
DROP TABLE events_v2;
CREATE INDEX events_composer ON events (composer, seq);

CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'custody table events is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'custody table events is append-only'); END;
CREATE TRIGGER event_signatures_no_update BEFORE UPDATE ON event_signatures
BEGIN SELECT RAISE(ABORT, 'custody table event_signatures is append-only'); END;
CREATE TRIGGER event_signatures_no_delete BEFORE DELETE ON event_signatures
BEGIN SELECT RAISE(ABORT, 'custody table event_signatures is append-only'); END;
CREATE TRIGGER event_links_no_update BEFORE UPDATE ON event_links
BEGIN SELECT RAISE(ABORT, 'custody table event_links is append-only'); END;
CREATE TRIGGER event_links_no_delete BEFORE DELETE ON event_links
BEGIN SELECT RAISE(ABORT, 'custody table event_links is append-only'); END;
CREATE TRIGGER containers_no_update BEFORE UPDATE ON containers
BEGIN SELECT RAISE(ABORT, 'custody table containers is append-only'); END;
CREATE TRIGGER containers_no_delete BEFORE DELETE ON containers
BEGIN SELECT RAISE(ABORT, 'custody table containers is append-only'); END;
