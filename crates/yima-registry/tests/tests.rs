//! The registry's storage backends, called through `RegistryStore` (not HTTP): the same
//! story told to SQLite in a temporary file and to PostgreSQL in a fresh database of its
//! own, then races only PostgreSQL has to win. One test binary; the modules live in
//! `tests/registry/`.
//!
//! PostgreSQL: `YIMA_TEST_PG` (a `postgres://` URL), else `postgres://postgres@127.0.0.1:5432/test`.
//! Each test creates its own database there and drops it. Without a server the PostgreSQL
//! tests fail, saying how to start one.

#[path = "registry/calls.rs"]
mod calls;
#[path = "registry/common.rs"]
mod common;
#[path = "registry/race.rs"]
mod race;
#[path = "registry/story.rs"]
mod story;

#[path = "registry/attestation.rs"]
mod attestation;
#[path = "registry/audit.rs"]
mod audit;
#[path = "registry/backends.rs"]
mod backends;
#[path = "registry/batches.rs"]
mod batches;
#[path = "registry/bundle.rs"]
mod bundle;
#[path = "registry/evaluator.rs"]
mod evaluator;
#[path = "registry/operator.rs"]
mod operator;
#[path = "registry/pg_schema.rs"]
mod pg_schema;
#[path = "registry/pg_tls.rs"]
mod pg_tls;
#[path = "registry/postgres.rs"]
mod postgres;
#[path = "registry/process.rs"]
mod process;
#[path = "registry/public_page.rs"]
mod public_page;
#[path = "registry/sightings.rs"]
mod sightings;
#[path = "registry/statistics.rs"]
mod statistics;
