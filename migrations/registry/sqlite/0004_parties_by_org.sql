-- Yima registry, SQLite backend, version 4. Never edited once on main: add a new file.
--
-- The key directory a device reads (GET /v1/keys) holds only the organisations it shares a
-- container with (and its own and the regulators'): the containers of an organisation are
-- found by its party rows, which need an index by organisation.

CREATE INDEX container_parties_org ON container_parties (org, container);
