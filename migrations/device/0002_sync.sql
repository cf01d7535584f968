-- Yima device store, version 2: the registry this device syncs with, and how far it has
-- read its feed. A migration, once on main, is never edited: add a new file instead.

CREATE TABLE registry (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    url         TEXT    NOT NULL,
    enrolled_at INTEGER NOT NULL,
    feed_cursor INTEGER NOT NULL DEFAULT 0
) STRICT;
