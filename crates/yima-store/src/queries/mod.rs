//! SQL, one file per table.

mod arrivals;
mod containers;
mod device;
mod events;
mod keys;
mod offers;
mod online_in;
mod online_out;
mod operators;
mod outbox;
mod registry;
mod scanned;
mod sequences;
mod sightings;
mod track;

pub use online_in::ReceivedOfferRow;
pub use online_out::QueuedOffer;
pub use sightings::{SightingRow, SIGHTING_REPEAT_MS};
