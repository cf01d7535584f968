-- Yima device store, version 4: labels scanned in handovers taken over QR codes.
-- A device that takes containers whose history it has never seen (offline, from a handover
-- QR code) keeps each container's signed label payload: until the history syncs, it is all
-- the device knows of the label. Append-only, like the custody tables.
-- A migration, once on main, is never edited: add a new file instead.

CREATE TABLE scanned_labels (
    code        TEXT    PRIMARY KEY,               -- the 37-character code
    payload     TEXT    NOT NULL,                  -- the label's QR text (YIMA1:…)
    event_id    BLOB    NOT NULL CHECK (length(event_id) = 32), -- the handover it was scanned for
    scanned_at  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER scanned_labels_no_update BEFORE UPDATE ON scanned_labels
BEGIN SELECT RAISE(ABORT, 'custody table scanned_labels is append-only'); END;
CREATE TRIGGER scanned_labels_no_delete BEFORE DELETE ON scanned_labels
BEGIN SELECT RAISE(ABORT, 'custody table scanned_labels is append-only'); END;
