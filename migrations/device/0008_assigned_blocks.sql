-- Yima device store, version 7: label sequence blocks the registry gives this device when
-- it enrols (issue 12, finding 3), so two devices of one producer never draw the same label
-- code. The latest row is the block in use; without one, the block chosen at `yima init`
-- (all of 1-999 by default). A migration, once on main, is never edited: add a new file
-- instead.

CREATE TABLE assigned_blocks (
    pos         INTEGER PRIMARY KEY,
    seq_first   INTEGER NOT NULL CHECK (seq_first BETWEEN 1 AND 999),
    seq_last    INTEGER NOT NULL CHECK (seq_last BETWEEN seq_first AND 999),
    assigned_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER assigned_blocks_no_update BEFORE UPDATE ON assigned_blocks
BEGIN SELECT RAISE(ABORT, 'custody table assigned_blocks is append-only'); END;
CREATE TRIGGER assigned_blocks_no_delete BEFORE DELETE ON assigned_blocks
BEGIN SELECT RAISE(ABORT, 'custody table assigned_blocks is append-only'); END;
