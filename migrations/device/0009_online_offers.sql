-- Yima device store, version 9: handovers online, through the registry. The offers this
-- device composed as the giver and queued for the registry (sent or not yet), and the offers
-- the registry brought for this device as the taker (kept as they came, until taken). Each
-- offer's JSON body is the `HandoverOffer` shown by the offline handover. A migration, once
-- on main, is never edited: add a new file instead.

CREATE TABLE online_offers_out (
    event_id    TEXT    PRIMARY KEY,               -- the handover event's id (hex)
    body        TEXT    NOT NULL,                  -- the offer's JSON
    queued_at   INTEGER NOT NULL,
    sent_at     INTEGER                            -- when the registry took it; NULL: not yet
) STRICT;
CREATE TRIGGER online_offers_out_no_delete BEFORE DELETE ON online_offers_out
BEGIN SELECT RAISE(ABORT, 'table online_offers_out keeps every offer'); END;

CREATE TABLE online_offers_in (
    event_id    TEXT    PRIMARY KEY,               -- the handover event's id (hex)
    body        TEXT    NOT NULL,                  -- the offer's JSON, as the registry sent it
    received_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER online_offers_in_no_update BEFORE UPDATE ON online_offers_in
BEGIN SELECT RAISE(ABORT, 'table online_offers_in is append-only'); END;
CREATE TRIGGER online_offers_in_no_delete BEFORE DELETE ON online_offers_in
BEGIN SELECT RAISE(ABORT, 'table online_offers_in is append-only'); END;
