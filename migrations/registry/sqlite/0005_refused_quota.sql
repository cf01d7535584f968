-- Yima registry, SQLite backend, version 4. Never edited once on main: add a new file.
--
-- A quota on refused events per pushing device (issue 12, finding 10): the first refused
-- events of each device are kept whole in `refused` (append-only, as before); beyond the
-- quota only their number is kept, here. `refused` counts every event refused from the
-- device, `kept` those stored whole.

CREATE TABLE refused_tally (
    pushed_by   TEXT PRIMARY KEY,
    refused     INTEGER NOT NULL,
    kept        INTEGER NOT NULL,
    last_at     INTEGER NOT NULL
) STRICT;

-- Devices with refused events from before the quota start with what they already have.
INSERT INTO refused_tally (pushed_by, refused, kept, last_at)
    SELECT pushed_by, count(*), count(*), max(arrived_at) FROM refused GROUP BY pushed_by;
