-- Yima registry, SQLite backend, version 11. Never edited once on main: add a new file.
-- The PostgreSQL backend's version 12: a search by waste category walks the category's
-- containers in the order a search pages them (by code), stopping at the page's end.
CREATE INDEX audit_containers_category ON audit_containers (category, code);
