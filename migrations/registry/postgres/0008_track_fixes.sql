-- Yima registry, PostgreSQL backend, version 8. Never edited once on main: add a new file.
--
-- A carrier's route fixes, pushed beside the handover that ends its transport and signs
-- their digest (`EventBody::track`): kept once they hash to it and the pusher's
-- organisation is the carrier giving the event. Degrees × 10⁷. Append-only.

CREATE TABLE track_fixes (
    event_id    TEXT    NOT NULL REFERENCES events (id),
    recorder    TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    lat_e7      INTEGER NOT NULL,
    lon_e7      INTEGER NOT NULL,
    accuracy_m  BIGINT,
    stored_at   BIGINT  NOT NULL,
    PRIMARY KEY (event_id, at)
);
CREATE TRIGGER track_fixes_append_only BEFORE UPDATE OR DELETE ON track_fixes FOR EACH ROW EXECUTE FUNCTION yima_append_only();
