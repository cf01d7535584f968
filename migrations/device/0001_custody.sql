-- Yima device store, version 1.
-- Custody tables (events, event_signatures, event_links, containers, label_sequences,
-- batches) are append-only: the triggers at the end refuse every UPDATE and DELETE.
-- A migration, once on main, is never edited: add a new file instead.

CREATE TABLE device (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    org_credit_code TEXT    NOT NULL,
    org_name        TEXT    NOT NULL,
    org_roles       TEXT    NOT NULL,              -- comma list of roles the organisation has
    role            TEXT    NOT NULL,              -- the role this device acts in
    secret_key      BLOB    NOT NULL CHECK (length(secret_key) = 32),
    public_key      TEXT    NOT NULL,
    seq_first       INTEGER NOT NULL,              -- this device's block of label sequences
    seq_last        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

-- Keys this device trusts: its own, and those learned from handovers or added by hand.
CREATE TABLE known_keys (
    public_key  TEXT PRIMARY KEY,
    org         TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    roles       TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('self', 'handover', 'manual', 'registry')),
    revoked_at  INTEGER,
    added_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
    pos         INTEGER PRIMARY KEY,               -- local arrival order
    id          TEXT    NOT NULL UNIQUE,           -- hex SHA-256 of body
    body        BLOB    NOT NULL,                  -- canonical encoding
    step        TEXT    NOT NULL,
    at          INTEGER NOT NULL,                  -- when it happened (device clock, ms)
    recorder    TEXT    NOT NULL,                  -- public key of the recorder
    recorder_org TEXT   NOT NULL,
    composer    TEXT    NOT NULL,                  -- key of the device that composed it (the giver in a handover)
    seq         INTEGER NOT NULL,                  -- the composer's counter
    stored_at   INTEGER NOT NULL                   -- when this device stored it
) STRICT;
CREATE INDEX events_at ON events (at);
CREATE INDEX events_composer ON events (composer, seq);

CREATE TABLE event_signatures (
    event_id    TEXT NOT NULL REFERENCES events (id),
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL,
    PRIMARY KEY (event_id, public_key)
) STRICT;

-- One row per container an event concerns: the per-container hash chain.
CREATE TABLE event_links (
    event_id    TEXT NOT NULL REFERENCES events (id),
    container   TEXT NOT NULL,
    prev        TEXT,
    state_after TEXT NOT NULL,
    holder_after TEXT NOT NULL,
    PRIMARY KEY (container, event_id)
) STRICT;
CREATE INDEX event_links_event ON event_links (event_id);

-- Containers whose label this device knows (from their generating, merge or split event).
CREATE TABLE containers (
    code            TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (id),
    waste_code      TEXT NOT NULL,
    category        TEXT NOT NULL,
    name            TEXT NOT NULL,
    producer        TEXT NOT NULL,
    generated_on    TEXT NOT NULL,
    quantity_milli  INTEGER NOT NULL,
    unit            TEXT NOT NULL,
    catalogue_edition TEXT NOT NULL
) STRICT;

-- Every label sequence ever drawn, so none is drawn twice.
CREATE TABLE label_sequences (
    producer    TEXT    NOT NULL,
    waste_code  TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),
    PRIMARY KEY (producer, waste_code, day, seq)
) STRICT;

-- Handover offers this device composed as the giver. An offer uses a counter value even if
-- the taker never accepts it, so verification knows a gap there is not a lost event.
CREATE TABLE handover_offers (
    event_id    TEXT PRIMARY KEY,
    body        BLOB NOT NULL,
    seq         INTEGER NOT NULL,
    giver_signature TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER handover_offers_no_update BEFORE UPDATE ON handover_offers
BEGIN SELECT RAISE(ABORT, 'custody table handover_offers is append-only'); END;
CREATE TRIGGER handover_offers_no_delete BEFORE DELETE ON handover_offers
BEGIN SELECT RAISE(ABORT, 'custody table handover_offers is append-only'); END;

-- Every ledger batch code drawn.
CREATE TABLE batches (
    code        TEXT PRIMARY KEY
) STRICT;

-- Events not yet accepted by the registry. Status changes; rows are never deleted.
CREATE TABLE outbox (
    event_id    TEXT PRIMARY KEY REFERENCES events (id),
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    reason      TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;
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
CREATE TRIGGER label_sequences_no_update BEFORE UPDATE ON label_sequences
BEGIN SELECT RAISE(ABORT, 'custody table label_sequences is append-only'); END;
CREATE TRIGGER label_sequences_no_delete BEFORE DELETE ON label_sequences
BEGIN SELECT RAISE(ABORT, 'custody table label_sequences is append-only'); END;
CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches
BEGIN SELECT RAISE(ABORT, 'custody table batches is append-only'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'custody table batches is append-only'); END;
CREATE TRIGGER device_no_delete BEFORE DELETE ON device
BEGIN SELECT RAISE(ABORT, 'the device identity is never deleted'); END;
CREATE TRIGGER device_no_update BEFORE UPDATE ON device
BEGIN SELECT RAISE(ABORT, 'the device identity is never changed'); END;
