-- Yima device store, version 6: when the registry received each event this device pulled
-- (issue 12, finding 4). An event dated long before it reached the registry (a key's events
-- held back, or dated back, until after the key was revoked) is flagged to whoever reads
-- its history, the regulator first. A migration, once on main, is never edited: add a new
-- file instead.

CREATE TABLE arrivals (
    event_id    BLOB    PRIMARY KEY REFERENCES events (id),
    arrived_at  INTEGER NOT NULL                   -- the registry's receipt time (ms)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER arrivals_no_update BEFORE UPDATE ON arrivals
BEGIN SELECT RAISE(ABORT, 'custody table arrivals is append-only'); END;
CREATE TRIGGER arrivals_no_delete BEFORE DELETE ON arrivals
BEGIN SELECT RAISE(ABORT, 'custody table arrivals is append-only'); END;
