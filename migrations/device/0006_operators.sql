-- Yima device store, version 6: the person who did each step (HJ 1259's 经办人).
-- A device has a default operator, set by whoever uses it (a log: the newest is in force);
-- every event the device records or takes part in keeps the operator in force then. The
-- person is the organisation's own record for its ledger and stays on the device (the
-- signed event names the organisation, role and key). Append-only, like the custody tables.
-- A migration, once on main, is never edited: add a new file instead.

CREATE TABLE operators (
    set_at    INTEGER NOT NULL,                      -- when it was set (ms since 1970, UTC)
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,     -- order of setting
    name      TEXT    NOT NULL CHECK (length(trim(name)) > 0)
) STRICT;
CREATE TRIGGER operators_no_update BEFORE UPDATE ON operators
BEGIN SELECT RAISE(ABORT, 'custody table operators is append-only'); END;
CREATE TRIGGER operators_no_delete BEFORE DELETE ON operators
BEGIN SELECT RAISE(ABORT, 'custody table operators is append-only'); END;

CREATE TABLE event_operators (
    event_id  BLOB    PRIMARY KEY CHECK (length(event_id) = 32),
    name      TEXT    NOT NULL CHECK (length(trim(name)) > 0)
) STRICT;
CREATE TRIGGER event_operators_no_update BEFORE UPDATE ON event_operators
BEGIN SELECT RAISE(ABORT, 'custody table event_operators is append-only'); END;
CREATE TRIGGER event_operators_no_delete BEFORE DELETE ON event_operators
BEGIN SELECT RAISE(ABORT, 'custody table event_operators is append-only'); END;
