//! SQL, one file per table.

mod arrivals;
mod containers;
mod device;
mod events;
mod keys;
mod offers;
mod operators;
mod outbox;
mod registry;
mod scanned;
mod sequences;
