//! Yima's sync client: enrols a device with the registry, pushes its outbox in batches, pulls
//! its organisation's feed and the key directory. Resumable at any point (the outbox and the
//! feed cursor live in the device store), harmless to repeat (the registry answers
//! "duplicate"), patient with a flaky network (exponential backoff with jitter), and it
//! never deletes or rewrites an event because of an answer.
#![deny(missing_docs)]

mod audit;
mod bundle;
mod client;
mod error;
mod kept_ca;
mod offers;
mod pipeline;
mod road;
mod sightings;

pub use client::{Phase, Progress, Registry, SyncOptions, SyncReport};
pub use error::{SyncError, SyncErrorKind};
pub use kept_ca::{keep_ca, kept_ca, REGISTRY_CA_FILE};
pub use yima_protocol::{
    AuditAnomaly, AuditAnomalyPage, AuditContainer, AuditCount, AuditCounts, AuditFilter,
    AuditGroup, AuditPage, RoadCheck, RoadCheckLine, RoadParty, RoadStanding,
};
