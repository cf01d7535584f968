//! The audit API's searches and counts on a registry the size of a province's month and
//! more: the audit index of 200 000 containers (1 000 000 events at five a container) of 200
//! organisations in nine cities, one transfer in twenty leaving the province, written
//! straight into the index tables as each push writes them; then each kind of query a
//! regulator or an organisation makes, through `RegistryStore`, timed one by one on SQLite
//! and on PostgreSQL. The floor of the same run: one container's row read by its key.
//!
//! `cargo bench -p yima-registry --bench audit` (YIMA_BENCH_AUDIT_CONTAINERS, default
//! 200000; YIMA_BENCH_AUDIT_QUERIES, default 300 per kind; YIMA_TEST_PG for the server).

use rand::{Rng, SeedableRng};
use std::time::Instant;
use yima_codes::{CreditCode, ManifestNumber};
use yima_registry::testing::PgDb;
use yima_registry::{PostgresStore, SqliteStore};

#[path = "shared/audit_queries.rs"]
mod audit_queries;
use audit_queries::{queries, Sample};

const WASTES: [&str; 4] = ["900-041-49", "900-249-08", "900-214-08", "772-002-18"];
const STATES: [&str; 5] = ["stored", "in_transit", "received", "accepted", "disposed"];
/// 2026-03-01T00:00+08:00.
const MONTH_START: i64 = 1_772_294_400_000;
const DAY: i64 = 24 * 3_600_000;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn org(kind: char, city: u32, i: u32) -> CreditCode {
    CreditCode::with_check(&format!("9135{city:02}00MA{kind}{i:06}")).expect("a credit code")
}

/// The index rows: (container row), facts (kind, value, container).
struct Fill {
    containers: Vec<[String; 9]>,
    times: Vec<(i64, i64)>,
    facts: Vec<(String, String, String)>,
    producers: Vec<CreditCode>,
    plates: Vec<String>,
    manifests: Vec<String>,
}

fn fill(n: usize) -> Fill {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let cities = 9u32;
    let producers: Vec<CreditCode> = (0..150).map(|i| org('P', 1 + i % cities, i)).collect();
    let carriers: Vec<CreditCode> = (0..30).map(|i| org('C', 1 + i % cities, i)).collect();
    let receivers: Vec<CreditCode> = (0..20).map(|i| org('R', 1 + i % cities, i)).collect();
    let outside = CreditCode::with_check("91440300MA5FXYW01").expect("Guangdong");
    let mut out = Fill {
        containers: Vec::with_capacity(n),
        times: Vec::with_capacity(n),
        facts: Vec::with_capacity(n * 9),
        producers: producers.clone(),
        plates: Vec::new(),
        manifests: Vec::new(),
    };
    // A manifest every 10 containers, a vehicle every 50.
    for i in 0..n {
        let p = &producers[i % producers.len()];
        let waste = WASTES[i % WASTES.len()];
        let day = (i as i64 * 31 / n as i64).min(30);
        let first = MONTH_START + day * DAY + rng.gen_range(0..DAY);
        let last = first + rng.gen_range(0..5 * DAY);
        let code = format!(
            "{p}{}202603{:02}{:03}",
            waste.replace('-', ""),
            day + 1,
            (i / producers.len()) % 999 + 1
        );
        let state = STATES[i % STATES.len()];
        let manifest = ManifestNumber::new(
            2026,
            35,
            (1 + (i / 10) as u32 % cities) as u8,
            (i / 10) as u32 % 999_999 + 1,
        )
        .expect("a manifest number")
        .to_string();
        let plate = format!("闽A{:05}", (i / 50) % 100_000);
        let carrier = &carriers[(i / 50) % carriers.len()];
        let receiver = if i % 20 == 0 {
            &outside
        } else {
            &receivers[(i / 10) % receivers.len()]
        };
        let division = |o: &CreditCode| o.as_str()[2..8].to_string();
        out.containers.push([
            code.clone(),
            p.to_string(),
            waste.into(),
            format!("HW{}", &waste[8..]),
            division(p),
            state.into(),
            receiver.to_string(),
            manifest.clone(),
            chrono::DateTime::from_timestamp_millis(first + 8 * 3_600_000)
                .expect("a time")
                .format("%Y%m%d")
                .to_string(),
        ]);
        out.times.push((first, last));
        for o in [p, carrier, receiver] {
            out.facts.push(("org".into(), o.to_string(), code.clone()));
            out.facts
                .push(("division".into(), division(o), code.clone()));
        }
        out.facts
            .push(("manifest".into(), manifest.clone(), code.clone()));
        out.facts
            .push(("plate".into(), plate.clone(), code.clone()));
        out.facts
            .push(("carrier".into(), carrier.to_string(), code.clone()));
        if i % 10 == 0 {
            out.manifests.push(manifest);
        }
        if i % 50 == 0 {
            out.plates.push(plate);
        }
    }
    out.facts.sort();
    out.facts.dedup();
    out
}

fn fill_sqlite(path: &std::path::Path, f: &Fill) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut s = tx
            .prepare(
                "INSERT INTO audit_containers (code, producer, waste, category, division, state, holder, manifest, first_day, first_at, last_at, check_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)",
            )
            .unwrap();
        for (r, (a, b)) in f.containers.iter().zip(&f.times) {
            s.execute(rusqlite::params![
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], a, b
            ])
            .unwrap();
        }
        let mut s = tx
            .prepare("INSERT INTO audit_facts (kind, value, container) VALUES (?1, ?2, ?3)")
            .unwrap();
        for (k, v, c) in &f.facts {
            s.execute([k, v, c]).unwrap();
        }
    }
    tx.commit().unwrap();
    c.execute_batch("ANALYZE").unwrap();
}

async fn fill_postgres(url: &str, f: &Fill) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    for (rows, times) in f.containers.chunks(20_000).zip(f.times.chunks(20_000)) {
        let cols: Vec<Vec<&str>> = (0..9)
            .map(|j| rows.iter().map(|r| r[j].as_str()).collect())
            .collect();
        let firsts: Vec<i64> = times.iter().map(|t| t.0).collect();
        let lasts: Vec<i64> = times.iter().map(|t| t.1).collect();
        client
            .execute(
                "INSERT INTO audit_containers (code, producer, waste, category, division, state, holder, manifest, first_day, first_at, last_at, check_at)
                 SELECT *, NULL FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[])",
                &[&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7], &cols[8], &firsts, &lasts],
            )
            .await
            .unwrap();
    }
    for chunk in f.facts.chunks(100_000) {
        let k: Vec<&str> = chunk.iter().map(|r| r.0.as_str()).collect();
        let v: Vec<&str> = chunk.iter().map(|r| r.1.as_str()).collect();
        let c: Vec<&str> = chunk.iter().map(|r| r.2.as_str()).collect();
        client
            .execute(
                "INSERT INTO audit_facts (kind, value, container) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
                &[&k, &v, &c],
            )
            .await
            .unwrap();
    }
    client.batch_execute("ANALYZE").await.unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = env_usize("YIMA_BENCH_AUDIT_CONTAINERS", 200_000);
    let q = env_usize("YIMA_BENCH_AUDIT_QUERIES", 300);
    println!(
        "machine: {} cores; containers: {n} (≈ {} events at five a container); {q} queries of each kind",
        std::thread::available_parallelism().map_or(0, |p| p.get()),
        n * 5
    );
    let t = Instant::now();
    let f = fill(n);
    println!(
        "index rows made: {} containers, {} facts, in {:.1} s",
        f.containers.len(),
        f.facts.len(),
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let store = SqliteStore::open(&path).unwrap();
    let t = Instant::now();
    tokio::task::block_in_place(|| fill_sqlite(&path, &f));
    println!("SQLite filled in {:.1} s", t.elapsed().as_secs_f64());
    let sample = Sample {
        codes: f.containers.iter().map(|r| r[0].clone()).collect(),
        plates: f.plates.clone(),
        manifests: f.manifests.clone(),
        producers: f.producers.clone(),
        wastes: WASTES.to_vec(),
        states: STATES.to_vec(),
        category: "HW08",
        month_start: MONTH_START,
    };
    println!("| backend | query | p50 | p99 | p99 / floor | goal | met |");
    println!("| --- | --- | ---: | ---: | ---: | --- | :-: |");
    queries("SQLite", &store, &sample, q).await;
    let db = PgDb::create().await;
    let store = PostgresStore::connect(&db.url).await.unwrap();
    let t = Instant::now();
    fill_postgres(&db.url, &f).await;
    println!("PostgreSQL filled in {:.1} s", t.elapsed().as_secs_f64());
    queries("PostgreSQL", &store, &sample, q).await;
}
