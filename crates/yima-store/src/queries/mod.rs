//! SQL, one file per table.

mod containers;
mod device;
mod events;
mod keys;
mod offers;
mod outbox;
mod registry;
mod scanned;
mod sequences;
