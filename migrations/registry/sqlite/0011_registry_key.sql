-- Yima registry, SQLite backend, version 11. Never edited once on main: add a new file.
-- The same table as the PostgreSQL backend's version 12.
--
-- registry_key (issue 14): the registry's Ed25519 signing key, with which it attests the
-- evidence bundles it exports (docs/EVIDENCE-BUNDLE.md), when no key file is given in its
-- configuration. One row: generated and inserted by the first start (ON CONFLICT DO
-- NOTHING), then read back. The secret as 64 hex digits.
CREATE TABLE registry_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      TEXT NOT NULL
);
