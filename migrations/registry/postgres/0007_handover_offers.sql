-- Yima registry, PostgreSQL backend, version 7. Never edited once on main: add a new file.
--
-- Handover offers sent online: the giver's device posts an offer (its JSON body, the event
-- signed by the giver) for the taker's device, which fetches it until the dual-signed event
-- reaches the registry by the taker's push. One row per event id.

CREATE TABLE handover_offers (
    event_id    TEXT PRIMARY KEY,
    giver_key   TEXT NOT NULL,
    taker_key   TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX handover_offers_by_taker ON handover_offers (taker_key, received_at);
CREATE INDEX handover_offers_by_giver ON handover_offers (giver_key);
