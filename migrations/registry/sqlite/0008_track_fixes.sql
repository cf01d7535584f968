-- Yima registry, SQLite backend, version 8. Never edited once on main: add a new file.
--
-- A carrier's route fixes, pushed beside the handover that ends its transport and signs
-- their digest (`EventBody::track`): kept once they hash to it and the pusher's
-- organisation is the carrier giving the event. Degrees × 10⁷. Append-only.

CREATE TABLE track_fixes (
    event_id    TEXT    NOT NULL REFERENCES events (id),
    recorder    TEXT    NOT NULL,                  -- the carrier's credit code
    at          INTEGER NOT NULL,
    lat_e7      INTEGER NOT NULL,
    lon_e7      INTEGER NOT NULL,
    accuracy_m  INTEGER,
    stored_at   INTEGER NOT NULL,
    PRIMARY KEY (event_id, at)
) STRICT;
CREATE TRIGGER track_fixes_no_update BEFORE UPDATE ON track_fixes
BEGIN SELECT RAISE(ABORT, 'table track_fixes is append-only'); END;
CREATE TRIGGER track_fixes_no_delete BEFORE DELETE ON track_fixes
BEGIN SELECT RAISE(ABORT, 'table track_fixes is append-only'); END;
