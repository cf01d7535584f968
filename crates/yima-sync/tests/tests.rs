//! Sync against the real registry on a free loopback port: stories, reliability, security.

#[path = "tests/audit.rs"]
mod audit;
#[path = "tests/authority.rs"]
mod authority;
#[path = "tests/blocks.rs"]
mod blocks;
#[path = "tests/bundle.rs"]
mod bundle;
#[path = "tests/forks.rs"]
mod forks;
#[path = "tests/hardening.rs"]
mod hardening;
#[path = "tests/harness.rs"]
mod harness;
#[path = "tests/lineage.rs"]
mod lineage;
#[path = "tests/load.rs"]
mod load;
#[path = "tests/online.rs"]
mod online;
#[path = "tests/operations.rs"]
mod operations;
#[path = "tests/pipelining.rs"]
mod pipelining;
#[path = "tests/quota.rs"]
mod quota;
#[path = "tests/reliability.rs"]
mod reliability;
#[path = "tests/returns.rs"]
mod returns;
#[path = "tests/road.rs"]
mod road;
#[path = "tests/security.rs"]
mod security;
#[path = "tests/sightings.rs"]
mod sightings;
#[path = "tests/story.rs"]
mod story;
#[path = "tests/track.rs"]
mod track;
#[path = "tests/trust.rs"]
mod trust;
