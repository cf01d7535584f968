//! The device store's integration tests, in one binary: migrations, append-only custody
//! tables, label sequences and batch codes, handover offers, and the kill -9 durability
//! test (whose child process is this same binary, re-executed).
//!
//! The modules live in `tests/store/` so that Cargo does not take each for a test binary.

#[path = "store/common.rs"]
mod common;

#[path = "store/migrations.rs"]
mod migrations;

#[path = "store/append_only.rs"]
mod append_only;

#[path = "store/sequences.rs"]
mod sequences;

#[path = "store/offers.rs"]
mod offers;

#[cfg(unix)]
#[path = "store/crash.rs"]
mod crash;
