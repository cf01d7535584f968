-- Yima device store, version 10: the carrier's route. Location fixes recorded while a
-- transport is in progress (by this device, for its organisation as the carrier) and those
-- pulled beside a handover that signs their digest (`EventBody::track`), keyed by the
-- carrier organisation that recorded them and the manifest they travelled under. Degrees ×
-- 10⁷ as integers. Append-only. A migration, once on main, is never edited: add a new file.

CREATE TABLE track_fixes (
    manifest    TEXT    NOT NULL,                  -- the manifest number (14 digits)
    recorder    TEXT    NOT NULL,                  -- the carrier's credit code
    at          INTEGER NOT NULL,                  -- milliseconds since 1970 UTC
    lat_e7      INTEGER NOT NULL CHECK (lat_e7 BETWEEN -900000000 AND 900000000),
    lon_e7      INTEGER NOT NULL CHECK (lon_e7 BETWEEN -1800000000 AND 1800000000),
    accuracy_m  INTEGER CHECK (accuracy_m IS NULL OR accuracy_m BETWEEN 0 AND 4294967295),
    stored_at   INTEGER NOT NULL,
    UNIQUE (manifest, recorder, at)
) STRICT;
CREATE TRIGGER track_fixes_no_update BEFORE UPDATE ON track_fixes
BEGIN SELECT RAISE(ABORT, 'table track_fixes is append-only'); END;
CREATE TRIGGER track_fixes_no_delete BEFORE DELETE ON track_fixes
BEGIN SELECT RAISE(ABORT, 'table track_fixes is append-only'); END;
