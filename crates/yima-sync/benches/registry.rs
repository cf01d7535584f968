//! Registry throughput and history lookups, on SQLite and PostgreSQL, beside the raw limit.
//!
//! `cargo bench -p yima-sync --bench registry` (env: YIMA_BENCH_EVENTS, default 100000;
//! YIMA_BENCH_HISTORY_EVENTS, default 1000000; YIMA_TEST_PG for the PostgreSQL server;
//! YIMA_BENCH_CITUS, a Citus coordinator's URL, to measure it too in the same run, e.g.
//! `scripts/citus-cluster run -- env YIMA_BENCH_CITUS=... cargo bench …`, see BENCHMARKS.md).
//!
//! 1. A producer device records N events (one container each), then pushes them to the real
//!    registry over HTTP on loopback (batches of 1000): events/s. Beside it, the raw limit
//!    on the same machine and backend: batch-verify the same signatures and insert the same
//!    bytes into a one-table database, 1000 per transaction. On PostgreSQL, also the ceiling
//!    of a push writing its own rows: the same signatures verified and the rows the registry stored
//!    for them inserted again into empty copies of its tables, with no reads or decisions;
//!    and the same for the events, their links and the containers' states only, and for the
//!    events alone.
//! 2. After both backends' pushes, each registry is filled up to M events (synthetic rows
//!    written straight into its tables beside the N real ones), then the history of real
//!    containers is looked up through the store: p50/p99.

#[path = "load/citus.rs"]
mod citus;
#[path = "load/driver.rs"]
#[allow(dead_code)] // the load run is the load benchmark's; this one starts registries with it
mod driver;
#[path = "load/fill.rs"]
mod fill;
#[path = "load/measure.rs"]
mod measure;
#[path = "load/raw.rs"]
mod raw;

use citus::{citus_nodes, spread};
use fill::{fill_postgres, fill_sqlite};
use measure::{server_cpu, statements, statements_reset, stored_bytes};
use raw::{raw_postgres, raw_sqlite, rows_postgres, PUSHED_TABLES};
use std::time::{Duration, Instant};
use yima_codes::CreditCode;
use yima_core::{Role, SignedEvent, Timestamp};
use yima_device::{Device, InitRequest, NewContainer, SystemClock};
use yima_protocol::{NewEnrolmentCode, NewOrg};
use yima_registry::testing::PgDb;
use yima_registry::{issue_enrolment_code, AppState, PostgresStore, RegistryStore, SqliteStore};
use yima_sync::{Registry, SyncOptions, SyncReport};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// The i-th producer: one producer draws at most 999 codes per waste code and day.
fn producer_n(i: usize) -> CreditCode {
    CreditCode::with_check(&format!("91350100MA{i:07}")).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A producer device with `n` recorded events, one container each (several devices, since
/// one producer draws at most 999 codes per waste code and day).
fn record(
    n: usize,
) -> (
    Vec<tempfile::TempDir>,
    Vec<Device<SystemClock>>,
    Vec<SignedEvent>,
) {
    let codes = [
        "900-041-49",
        "900-249-08",
        "900-214-08",
        "336-064-17",
        "900-047-49",
    ];
    let mut dirs = Vec::new();
    let mut devices = Vec::new();
    let mut events = Vec::new();
    let per_device = 999 * codes.len();
    let mut left = n;
    while left > 0 {
        let take = left.min(per_device);
        let dir = tempfile::tempdir().unwrap();
        let org = producer_n(devices.len());
        let mut d = Device::init(
            dir.path(),
            &InitRequest::new(Role::Producer, "示例化工有限公司", org.as_str()),
            SystemClock,
        )
        .unwrap();
        let reqs: Vec<NewContainer> = (0..take)
            .map(|i| NewContainer {
                main_components: "矿物油、棉纤维".into(),
                contact: "王磊".into(),
                phone: "0591-87654321".into(),
                ..NewContainer::new(codes[i % codes.len()], "25", "kg", "solid")
            })
            .collect();
        for chunk in reqs.chunks(1000) {
            d.register_all(chunk).unwrap();
        }
        for (_, w) in d.outbox_batch(0, u32::MAX).unwrap() {
            events.push(w.parse().unwrap());
        }
        dirs.push(dir);
        devices.push(d);
        left -= take;
    }
    (dirs, devices, events)
}

/// Pushes every device's outbox through the registry at `url`, one device at a time or
/// (`two`) two at once, each half of the devices in turn: events/s.
async fn push_all<S: RegistryStore>(
    state: &AppState<S>,
    url: &str,
    devices: &mut [Device<SystemClock>],
    two: bool,
) -> f64 {
    let client = Registry::new(
        url,
        SyncOptions {
            batch: 1000,
            ..SyncOptions::default()
        },
    )
    .unwrap();
    for (i, d) in devices.iter_mut().enumerate() {
        let org = producer_n(i);
        state
            .store
            .add_org(
                NewOrg {
                    credit_code: org.clone(),
                    name: "示例化工有限公司".into(),
                    roles: vec![Role::Producer],
                    jurisdiction: None,
                },
                now(),
            )
            .await
            .unwrap();
        let code = issue_enrolment_code(
            state.store.as_ref(),
            NewEnrolmentCode {
                org,
                role: Role::Producer,
                admin: false,
            },
            now(),
        )
        .await
        .unwrap();
        client.enrol(d, &code.code).await.unwrap();
    }
    async fn push(client: &Registry, devices: &mut [Device<SystemClock>]) -> SyncReport {
        let mut report = SyncReport::default();
        for d in devices.iter_mut() {
            client.push(d, &mut report, &mut |_| {}).await.unwrap();
        }
        report
    }
    let start = Instant::now();
    let report = if two {
        let (a, b) = devices.split_at_mut(devices.len() / 2);
        let (a, b) = tokio::join!(push(&client, a), push(&client, b));
        SyncReport {
            accepted: a.accepted + b.accepted,
            refused: a.refused + b.refused,
            deferred: a.deferred + b.deferred,
            forks: a.forks + b.forks,
            ..SyncReport::default()
        }
    } else {
        push(&client, devices).await
    };
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(
        report.refused + report.deferred + report.forks,
        0,
        "{report:?}"
    );
    eprintln!("pushed");
    report.accepted as f64 / secs
}

/// History lookups of real containers: p50, p99 in ms.
async fn lookups<S: RegistryStore>(store: &S, events: &[SignedEvent]) -> (f64, f64) {
    let mut times = Vec::new();
    for e in events.iter().step_by((events.len() / 2000).max(1)) {
        let code = e.body.links[0].container.clone();
        let t = Instant::now();
        let h = store.container_history(code).await.unwrap();
        times.push(t.elapsed());
        assert_eq!(h.len(), 1);
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = env_usize("YIMA_BENCH_EVENTS", 100_000);
    let m = env_usize("YIMA_BENCH_HISTORY_EVENTS", 1_000_000);
    println!(
        "machine: {} cores; events pushed: {n}; registry size for lookups: {m}",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );

    // SQLite.
    let t = Instant::now();
    let (_dirs, mut devices, events) = tokio::task::block_in_place(|| record(n));
    println!(
        "recorded {} events on {} device(s) in {:.1} s",
        events.len(),
        devices.len(),
        t.elapsed().as_secs_f64()
    );
    let body = String::from_utf8(events[0].canonical.clone()).unwrap();
    let raw = tokio::task::block_in_place(|| raw_sqlite(&events));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let (state, url) = driver::start(SqliteStore::open(&path).unwrap()).await;
    if std::env::var("YIMA_BENCH_DIRECT").is_ok() {
        let d2 = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&d2.path().join("r.db")).unwrap();
        store
            .add_org(
                NewOrg {
                    credit_code: producer_n(0),
                    name: "p".into(),
                    roles: vec![Role::Producer],
                    jurisdiction: None,
                },
                now(),
            )
            .await
            .unwrap();
        let code = issue_enrolment_code(
            &store,
            NewEnrolmentCode {
                org: producer_n(0),
                role: Role::Producer,
                admin: false,
            },
            now(),
        )
        .await
        .unwrap();
        let key = events[0].body.by.key;
        store
            .redeem_enrolment(yima_registry::code_hash(&code.code), key, now())
            .await
            .unwrap();
        let t = Instant::now();
        let mine: Vec<SignedEvent> = events
            .iter()
            .filter(|e| e.body.by.key == key)
            .cloned()
            .collect();
        for chunk in mine.chunks(1000) {
            store
                .ingest(chunk.to_vec(), key, true.into(), now())
                .await
                .unwrap();
        }
        println!(
            "direct store ingest (no HTTP, no verify): {:.0} events/s",
            mine.len() as f64 / t.elapsed().as_secs_f64()
        );
    }
    eprintln!("pushing to SQLite");
    let pushed = push_all(&state, &url, &mut devices, false).await;
    println!("| SQLite | push over HTTP | {pushed:.0} events/s | raw verify+insert {raw:.0} events/s | ratio {:.2} | target 10000 events/s |", pushed / raw);

    // PostgreSQL: the same on fresh devices and fresh databases.
    let (_pg_dirs, mut pg_devices, pg_events) = tokio::task::block_in_place(|| record(n));
    let raw_db = PgDb::create().await;
    let raw = raw_postgres(&raw_db.url, &pg_events).await;
    let db = PgDb::create().await;
    let (pg_state, url) = driver::start(PostgresStore::connect(&db.url).await.unwrap()).await;
    eprintln!("pushing to PostgreSQL");
    let counted = statements_reset(&db.url).await;
    let before = server_cpu(&db.url).await;
    let pushed = push_all(&pg_state, &url, &mut pg_devices, false).await;
    println!("| PostgreSQL | push over HTTP | {pushed:.0} events/s | raw verify+insert {raw:.0} events/s | ratio {:.2} | target 10000 events/s |", pushed / raw);
    if let (Some(b), Some(a)) = (before, server_cpu(&db.url).await) {
        println!(
            "| PostgreSQL server | CPU during the push | {:.1} s | {:.0} µs per event |",
            a - b,
            (a - b) * 1e6 / n as f64
        );
    }
    if counted {
        statements(&db.url, n).await;
    }
    stored_bytes("PostgreSQL", &db.url, n).await;
    // Two devices pushing at once (one each is the raw limit's one thread; a registry
    // serves many): the same again on fresh devices and a fresh database.
    let (_two_dirs, mut two_devices, _) = tokio::task::block_in_place(|| record(n));
    let two_db = PgDb::create().await;
    let (two_state, two_url) =
        driver::start(PostgresStore::connect(&two_db.url).await.unwrap()).await;
    let two = push_all(&two_state, &two_url, &mut two_devices, true).await;
    println!(
        "| PostgreSQL | push over HTTP, two devices at once | {two:.0} events/s | ratio to raw {:.2} |",
        two / raw
    );
    // What any push writing these rows in its transaction could reach at most: all it writes,
    // and the least any registry deciding a container's next event must write (the event, its
    // link, the container's state), and the events alone.
    for (what, tables) in [
        ("the push's rows", &PUSHED_TABLES[..]),
        ("events, links and container states", &PUSHED_TABLES[..3]),
        ("events alone", &PUSHED_TABLES[..1]),
    ] {
        let ceiling = rows_postgres(&db.url, &pg_events, tables).await;
        println!(
            "| PostgreSQL | {what}, verified and inserted alone | {ceiling:.0} events/s | ratio to raw {:.2} | push / this {:.2} |",
            ceiling / raw,
            pushed / ceiling
        );
    }

    // Citus, when given: the same again through its coordinator, and what each node did.
    let citus = match std::env::var("YIMA_BENCH_CITUS") {
        Ok(coordinator) => {
            let (dirs, mut devices, events) = tokio::task::block_in_place(|| record(n));
            let raw_db = PgDb::create_on(&coordinator).await;
            let raw = raw_postgres(&raw_db.url, &events).await;
            let cdb = PgDb::create_on(&coordinator).await;
            let store = PostgresStore::connect(&cdb.url).await.unwrap();
            println!("engine: {}", store.engine());
            let (state, url) = driver::start(store).await;
            let nodes = citus_nodes(&cdb.url).await;
            let mut before = Vec::new();
            for (_, u) in &nodes {
                before.push(server_cpu(u).await);
            }
            eprintln!("pushing to Citus");
            let pushed = push_all(&state, &url, &mut devices, false).await;
            println!("| Citus | push over HTTP | {pushed:.0} events/s | raw verify+insert {raw:.0} events/s | ratio {:.2} | target 10000 events/s |", pushed / raw);
            for ((name, u), b) in nodes.iter().zip(before) {
                if let (Some(b), Some(a)) = (b, server_cpu(u).await) {
                    println!(
                        "| Citus {name} | CPU during the push | {:.1} s | {:.0} µs per event |",
                        a - b,
                        (a - b) * 1e6 / n as f64
                    );
                }
            }
            spread(&cdb.url).await;
            stored_bytes("Citus", &cdb.url, n).await;
            Some((dirs, events, state, cdb))
        }
        Err(_) => None,
    };

    // Lookups, after every push: filling a registry to a million events writes about a
    // gigabyte, whose write-back would otherwise run under the next push.
    tokio::task::block_in_place(|| fill_sqlite(&path, m.saturating_sub(n), &body));
    let (p50, p99) = lookups(state.store.as_ref(), &events).await;
    println!("| SQLite | history lookup, {m} events | p50 {p50:.2} ms | p99 {p99:.2} ms | target p99 10 ms |");
    fill_postgres(&db.url, m.saturating_sub(n), &body).await;
    let (p50, p99) = lookups(pg_state.store.as_ref(), &pg_events).await;
    println!("| PostgreSQL | history lookup, {m} events | p50 {p50:.2} ms | p99 {p99:.2} ms | target p99 10 ms |");
    if let Some((_dirs, events, state, cdb)) = citus {
        fill_postgres(&cdb.url, m.saturating_sub(n), &body).await;
        let (p50, p99) = lookups(state.store.as_ref(), &events).await;
        println!("| Citus | history lookup, {m} events | p50 {p50:.2} ms | p99 {p99:.2} ms | target p99 10 ms |");
        spread(&cdb.url).await;
    }
}
