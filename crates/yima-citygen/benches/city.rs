//! A generated city on PostgreSQL: 1 000 000 real signed events (a month of a city of 200
//! organisations, scaled up in containers) ingested the way the server ingests them, twice
//! in one run — with the registry's anomaly evaluator off (ingest alone), then on (the
//! server's `run_evaluator` judging beside the pushes, and what it is behind on judged
//! after the last push, inside the time) — the ratio of their throughputs (goal ≥ 0.8);
//! then the injected anomalies checked found and nothing else, and the audit searches on
//! that data (the registry audit benchmark's queries, goal p99 ≤ 20 ms).
//!
//! `cargo bench -p yima-citygen --bench city` (YIMA_BENCH_CITY_EVENTS, default 1000000;
//! YIMA_BENCH_CITY_BATCH, events a push, default 200; YIMA_BENCH_CITY_QUERIES, default 300
//! a kind; YIMA_BENCH_CITY_JUDGE_EVERY, seconds between the evaluator's rounds, default 30
//! as the server's; YIMA_BENCH_CITY_ANALYZE_EVERY, seconds between the statistics' checks,
//! default 60 as the server's; YIMA_BENCH_CITY_SKIP_OFF to ingest only with the rules on;
//! YIMA_BENCH_CITY_KEEP to keep the rules-on database for examining plans; YIMA_TEST_PG for
//! the server).

#[path = "../../yima-registry/benches/shared/audit_queries.rs"]
mod audit_queries;
#[path = "../tests/common/mod.rs"]
mod common;

use audit_queries::{queries, Sample};
use common::{enrol, judge, listed, push, report_all, Tally};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yima_citygen::{generate, CityParams, Push};
use yima_core::{AnomalyConfig, EventKind, Timestamp};
use yima_registry::testing::PgDb;
use yima_registry::{AppState, PostgresStore};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn ingest(store: &PostgresStore, batches: &[Push], clock: &AtomicI64) -> Tally {
    let mut tally = Tally::default();
    for (i, p) in batches.iter().enumerate() {
        clock.fetch_max(p.at.0, Ordering::Relaxed);
        push(store, p, &mut tally).await;
        if (i + 1) % 1000 == 0 {
            eprintln!("  {} of {} pushes", i + 1, batches.len());
        }
    }
    tally
}

/// A task of the server's beside the pushes, stopped on demand.
struct Beside {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Beside {
    /// The planner's statistics gathered every `every` seconds, as `serve` does.
    fn statistics(state: &AppState<PostgresStore>, every: u64) -> Beside {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(yima_registry::statistics::run_statistics(
            state.clone(),
            Duration::from_secs(every.max(1)),
            async {
                let _ = stopped.await;
            },
        ));
        Beside { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events = env_usize("YIMA_BENCH_CITY_EVENTS", 1_000_000);
    let batch = env_usize("YIMA_BENCH_CITY_BATCH", 200);
    let q = env_usize("YIMA_BENCH_CITY_QUERIES", 300);
    let every = env_usize("YIMA_BENCH_CITY_JUDGE_EVERY", 30) as u64;
    let analyze_every = env_usize("YIMA_BENCH_CITY_ANALYZE_EVERY", 60) as u64;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {} cores; load average at start: {}",
        std::thread::available_parallelism().map_or(0, |p| p.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    // About 8 events a container: 85 % leave (9 events), 15 % stay in store (2).
    let params = CityParams {
        containers: (events / 8).max(200),
        ..CityParams::default()
    };
    let t = Instant::now();
    let city = tokio::task::block_in_place(|| generate(&params, true)).expect("a city");
    let batches = city.batched(batch);
    println!(
        "city: {} organisations, {} containers, {} events in {} pushes of ≤ {batch}, {} injected anomalies; generated and signed in {:.1} s",
        city.orgs.len(),
        params.containers,
        city.event_count(),
        batches.len(),
        city.injected.len(),
        t.elapsed().as_secs_f64()
    );

    // Rules off: ingest alone (the statistics kept fresh beside it, as `serve` does).
    let skip_off = std::env::var("YIMA_BENCH_CITY_SKIP_OFF").is_ok();
    let db_off = PgDb::create().await;
    let state_off = AppState::new(PostgresStore::connect(&db_off.url).await.expect("connect"));
    enrol(state_off.store.as_ref(), &city).await;
    let clock = AtomicI64::new(0);
    let t = Instant::now();
    let tally_off = if skip_off {
        println!("rules off: skipped (YIMA_BENCH_CITY_SKIP_OFF)");
        Tally::default()
    } else {
        let analyzing = Beside::statistics(&state_off, analyze_every);
        let tally = ingest(state_off.store.as_ref(), &batches, &clock).await;
        analyzing.stop().await;
        tally
    };
    let off = t.elapsed();
    drop(state_off);
    drop(db_off);
    assert!(tally_off.deferred == 0, "{:?}", tally_off.why_deferred);

    // Rules on: the evaluator judges beside the pushes, at the registry clock (the latest
    // push's time); what it is behind on is judged after the last push, in the time.
    let db_on = PgDb::create().await;
    let mut state = AppState::new(PostgresStore::connect(&db_on.url).await.expect("connect"));
    let clock = Arc::new(AtomicI64::new(0));
    let c = clock.clone();
    state.clock = Arc::new(move || Timestamp(c.load(Ordering::Relaxed)));
    enrol(state.store.as_ref(), &city).await;
    let t = Instant::now();
    let analyzing = Beside::statistics(&state, analyze_every);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let evaluator = tokio::spawn(yima_registry::anomalies::run_evaluator(
        state.clone(),
        AnomalyConfig::default(),
        Duration::from_secs(every.max(1)),
        async {
            let _ = stopped.await;
        },
    ));
    let tally_on = ingest(state.store.as_ref(), &batches, &clock).await;
    let _ = stop.send(());
    let _ = evaluator.await;
    let behind = judge(
        state.store.as_ref(),
        Timestamp(clock.load(Ordering::Relaxed)),
    )
    .await;
    let on = t.elapsed();
    if !skip_off {
        assert_eq!(tally_on, tally_off, "both runs decide the same");
    }
    let rate = |d: Duration| city.event_count() as f64 / d.as_secs_f64();
    let ratio = off.as_secs_f64() / on.as_secs_f64();
    println!("pushes: {tally_on:?}; containers judged after the last push: {behind}");
    println!("| run | time | events/s |");
    println!("| --- | ---: | ---: |");
    if !skip_off {
        println!(
            "| rules off | {:.1} s | {:.0} |",
            off.as_secs_f64(),
            rate(off)
        );
    }
    println!("| rules on | {:.1} s | {:.0} |", on.as_secs_f64(), rate(on));
    if !skip_off {
        println!(
            "ratio on/off: {ratio:.2} (goal ≥ 0.8: {})",
            if ratio >= 0.8 { "met" } else { "not met" }
        );
    }

    // The scans of labels reported; past every deadline: exactly the injected anomalies.
    let t = Instant::now();
    report_all(state.store.as_ref(), &city).await;
    judge(state.store.as_ref(), city.judge_at).await;
    let found = listed(state.store.as_ref()).await;
    let want: BTreeSet<(String, String)> = city
        .injected
        .iter()
        .map(|(r, c)| (r.as_str().to_string(), c.to_string()))
        .collect();
    println!(
        "{} scans reported and judged past every deadline in {:.1} s: {} anomalies listed, {} injected, {}",
        city.sighting_count(),
        t.elapsed().as_secs_f64(),
        found.len(),
        want.len(),
        if found == want {
            "exactly the injected"
        } else {
            "NOT the injected set"
        }
    );

    // The audit searches on the city's data.
    let mut codes = BTreeSet::new();
    let mut plates = BTreeSet::new();
    let mut manifests = BTreeSet::new();
    let mut wastes = BTreeSet::new();
    for e in city.pushes.iter().flat_map(|p| p.events.iter()) {
        for l in &e.body.links {
            codes.insert(l.container.to_string());
            wastes.insert(l.container.waste_code().to_string());
        }
        if let EventKind::PickedUp {
            vehicle_plate,
            manifest,
            ..
        } = &e.body.event
        {
            plates.insert(vehicle_plate.clone());
            manifests.insert(manifest.to_string());
        }
    }
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let start = city.params.start.and_hms_opt(0, 0, 0).expect("midnight");
    let sample = Sample {
        codes: codes.into_iter().collect(),
        plates: plates.into_iter().collect(),
        manifests: manifests.into_iter().collect(),
        producers: city
            .orgs
            .iter()
            .filter(|o| o.role == yima_core::Role::Producer)
            .map(|o| o.party.credit_code.clone())
            .collect(),
        wastes: wastes.into_iter().map(leak).collect(),
        states: vec!["stored", "received", "accepted", "disposed"],
        category: "HW08",
        month_start: start.and_utc().timestamp_millis() - 8 * 3_600_000,
    };
    println!("| backend | query | p50 | p99 | p99 / floor | goal | met |");
    println!("| --- | --- | ---: | ---: | ---: | --- | :-: |");
    queries("PostgreSQL", state.store.as_ref(), &sample, q).await;
    analyzing.stop().await;
    if std::env::var("YIMA_BENCH_CITY_KEEP").is_ok() {
        // Kept for examining plans by hand; dropped by whoever examines it.
        println!("database kept: {}", db_on.url);
        std::mem::forget(db_on);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}
