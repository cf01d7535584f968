-- Yima device store, version 11: the labels this device scanned (issue 14), each with the
-- device's last location fix then (if it had one within minutes) and whether the label's
-- signature verified here (genuine, forged, or unchecked: the producer's key not known
-- here). Sent to the registry at sync (`POST /v1/sightings`), which judges from them a
-- label it never saw and one label in two places at once. Append-only; what was sent is
-- the cursor `label_sightings_sent.last_seq`. A migration, once on main, is never edited:
-- add a new file instead.

CREATE TABLE label_sightings (
    seq         INTEGER PRIMARY KEY,               -- the order kept in
    code        TEXT    NOT NULL,                  -- the 37-character code
    at          INTEGER NOT NULL,                  -- milliseconds since 1970 UTC
    lat_e7      INTEGER CHECK (lat_e7 IS NULL OR lat_e7 BETWEEN -900000000 AND 900000000),
    lon_e7      INTEGER CHECK (lon_e7 IS NULL OR lon_e7 BETWEEN -1800000000 AND 1800000000),
    accuracy_m  INTEGER CHECK (accuracy_m IS NULL OR accuracy_m BETWEEN 0 AND 4294967295),
    seal        TEXT    NOT NULL CHECK (seal IN ('genuine', 'forged', 'unchecked')),
    UNIQUE (code, at)
) STRICT;
CREATE TRIGGER label_sightings_no_update BEFORE UPDATE ON label_sightings
BEGIN SELECT RAISE(ABORT, 'table label_sightings is append-only'); END;
CREATE TRIGGER label_sightings_no_delete BEFORE DELETE ON label_sightings
BEGIN SELECT RAISE(ABORT, 'table label_sightings is append-only'); END;

CREATE TABLE label_sightings_sent (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq    INTEGER NOT NULL
) STRICT;
