//! The registry on a real Citus cluster (a coordinator and two workers, started here by
//! `scripts/citus-cluster` and stopped afterwards): three `yima-registry serve` processes
//! deciding conflicting pushes for the same containers at once, a worker killed in the
//! middle of a device's push, and the anomaly evaluator's batches. Without the Citus sources in `../shared/vendor` each test
//! prints one `skipped: …` line and passes (`YIMA_REQUIRE_SHARED=1` makes that a failure).
//! The first run builds Citus into a cache outside the clone (a few minutes).

#[path = "registry/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "registry/race.rs"]
mod race;

#[path = "registry/batches.rs"]
mod batches;
#[allow(dead_code)]
#[path = "registry/calls.rs"]
mod calls;
#[allow(dead_code)]
#[path = "registry/story.rs"]
mod story;

#[path = "citus/cluster.rs"]
mod cluster;
#[path = "citus/conflict.rs"]
mod conflict;
#[path = "citus/evaluator.rs"]
mod evaluator;
#[path = "citus/worker_lost.rs"]
mod worker_lost;
