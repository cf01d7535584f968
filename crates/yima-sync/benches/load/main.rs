//! The registry under load: 100 devices at once for a minute on each backend, each
//! recording and syncing in a loop (three in four producers labelling and dispatching a
//! container per round; the rest a carrier's, a receiver's and the regulator's devices
//! pulling their feeds), then checked for errors, lost and doubled events.
//!
//! `cargo bench -p yima-sync --bench load` (env: YIMA_LOAD_SECS, default 60;
//! YIMA_LOAD_DEVICES, default 100; YIMA_TEST_PG for the PostgreSQL server).
//!
//! Beside it, the raw limit in the same run: one producer device pushing the same number
//! of events alone, in batches of 1000, to the same kind of registry.

mod driver;

use std::time::{Duration, Instant};
use yima_codes::CreditCode;
use yima_core::Role;
use yima_device::{Device, InitRequest, NewContainer, SystemClock};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::testing::PgDb;
use yima_registry::{issue_enrolment_code, PostgresStore, RegistryStore, SqliteStore};
use yima_sync::{Registry, SyncOptions, SyncReport};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Raw limit: `n` events recorded by one producer device, then pushed alone: events/s.
async fn alone<S: RegistryStore>(store: S, n: usize) -> f64 {
    let (state, url) = driver::start(store).await;
    let org = CreditCode::with_check("91350100MA9999999").unwrap();
    let now = yima_core::Timestamp::from_datetime(chrono::Utc::now());
    let new = NewOrg {
        credit_code: org.clone(),
        name: "示例化工有限公司".into(),
        roles: vec![Role::Producer],
        jurisdiction: None,
    };
    state.store.add_org(new, now).await.unwrap();
    let ask = NewEnrolmentCode {
        org: org.clone(),
        role: Role::Producer,
        admin: false,
    };
    let code = issue_enrolment_code(state.store.as_ref(), ask, now)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let req = InitRequest::new(Role::Producer, "示例化工有限公司", org.as_str());
    let mut d = Device::init(dir.path(), &req, SystemClock).unwrap();
    let options = SyncOptions {
        batch: 1000,
        ..SyncOptions::default()
    };
    let client = Registry::new(&url, options).unwrap();
    client.enrol(&mut d, &code.code).await.unwrap();
    let waste = [
        "900-041-49",
        "900-249-08",
        "900-214-08",
        "336-064-17",
        "900-047-49",
    ];
    let reqs: Vec<NewContainer> = (0..n)
        .map(|i| NewContainer {
            main_components: "矿物油".into(),
            contact: "王磊".into(),
            phone: "0591-87654321".into(),
            ..NewContainer::new(waste[i % waste.len()], "25", "kg", "solid")
        })
        .collect();
    tokio::task::block_in_place(|| d.register_all(&reqs)).unwrap();
    let mut report = SyncReport::default();
    let t = Instant::now();
    client.push(&mut d, &mut report, &mut |_| {}).await.unwrap();
    report.accepted as f64 / t.elapsed().as_secs_f64()
}

async fn one<S: RegistryStore>(name: &str, store: S, raw_store: S, devices: usize, secs: u64) {
    let (state, url) = driver::start(store).await;
    let out = driver::run(&state, &url, devices, Duration::from_secs(secs)).await;
    let pushed = out.events as f64 / out.secs;
    let raw = alone(raw_store, (out.events as usize).clamp(1000, 2500)).await;
    println!(
        "{name}: {} devices for {:.1} s: {} events pushed ({pushed:.0}/s; alone {raw:.0}/s: {:.2} ×), \
         {} containers dispatched, {} sync rounds (p50 {:.1} ms, p99 {:.1} ms), {} events pulled \
         ({:.0}/s), {} errors",
        out.devices,
        out.secs,
        out.events,
        pushed / raw,
        out.dispatched,
        out.rounds,
        out.round_quantile(0.5),
        out.round_quantile(0.99),
        out.pulled,
        out.pulled as f64 / out.secs,
        out.errors.len()
    );
    for e in out.errors.iter().take(20) {
        println!("  error: {e}");
    }
    assert!(out.errors.is_empty(), "the load found errors");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let devices = env_u64("YIMA_LOAD_DEVICES", 100) as usize;
    let secs = env_u64("YIMA_LOAD_SECS", 60);
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    one(
        "SQLite",
        SqliteStore::open(&a.path().join("registry.db")).unwrap(),
        SqliteStore::open(&b.path().join("registry.db")).unwrap(),
        devices,
        secs,
    )
    .await;
    let (pa, pb) = (PgDb::create().await, PgDb::create().await);
    one(
        "PostgreSQL",
        PostgresStore::connect(&pa.url).await.unwrap(),
        PostgresStore::connect(&pb.url).await.unwrap(),
        devices,
        secs,
    )
    .await;
}
