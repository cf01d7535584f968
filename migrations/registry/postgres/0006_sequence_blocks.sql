-- Yima registry, PostgreSQL backend, version 5. Never edited once on main: add a new file.
--
-- Label sequence blocks (issue 12, finding 3): the registry gives each device it enrols
-- its own block of the 999 label sequences of its organisation (per waste code and day),
-- so two devices of one producer never draw the same label code. Devices enrolled before
-- have none (NULL) and keep the block they were set up with.

ALTER TABLE devices ADD COLUMN seq_block TEXT;
