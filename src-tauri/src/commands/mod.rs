//! The commands, one file per area. Each: take the state, call one use case, map the error.

pub mod audit;
pub mod camera;
pub mod containers;
pub mod drafts;
pub mod handover;
pub mod manifests;
pub mod online;
pub mod road;
pub mod route;
pub mod scale;
pub mod scan;
pub mod setup;
pub mod steps;
pub mod sync;
