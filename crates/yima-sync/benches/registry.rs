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
//!    bytes into a one-table database, 1000 per transaction.
//! 2. After both backends' pushes, each registry is filled up to M events (synthetic rows
//!    written straight into its tables beside the N real ones), then the history of real
//!    containers is looked up through the store: p50/p99.

#[path = "load/driver.rs"]
#[allow(dead_code)] // the load run is the load benchmark's; this one starts registries with it
mod driver;

use std::time::{Duration, Instant};
use yima_codes::CreditCode;
use yima_core::{verify_batch, EventId, Role, Signature, SignedEvent, Timestamp};
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

/// Raw limit: batch verify + insert of the same bytes, 1000 per transaction.
fn raw_sqlite(events: &[SignedEvent]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    let start = Instant::now();
    for chunk in events.chunks(1000) {
        let batch: Vec<(EventId, Signature)> = chunk
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        assert!(verify_batch(&batch));
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO raw (id, body) VALUES (?1, ?2)")
                .unwrap();
            for e in chunk {
                stmt.execute(rusqlite::params![
                    e.id.to_string(),
                    std::str::from_utf8(&e.canonical).unwrap()
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    events.len() as f64 / start.elapsed().as_secs_f64()
}

async fn raw_postgres(url: &str, events: &[SignedEvent]) -> f64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute("CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    let stmt = client
        .prepare("INSERT INTO raw (id, body) SELECT * FROM unnest($1::text[], $2::text[])")
        .await
        .unwrap();
    let start = Instant::now();
    for chunk in events.chunks(1000) {
        let batch: Vec<(EventId, Signature)> = chunk
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |s| (e.id, *s)))
            .collect();
        assert!(verify_batch(&batch));
        let ids: Vec<String> = chunk.iter().map(|e| e.id.to_string()).collect();
        let bodies: Vec<String> = chunk
            .iter()
            .map(|e| String::from_utf8(e.canonical.clone()).unwrap())
            .collect();
        client.execute(&stmt, &[&ids, &bodies]).await.unwrap();
    }
    events.len() as f64 / start.elapsed().as_secs_f64()
}

/// Pushes every device's outbox through the registry at `url`: events/s.
async fn push_all<S: RegistryStore>(
    state: &AppState<S>,
    url: &str,
    devices: &mut [Device<SystemClock>],
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
    let mut report = SyncReport::default();
    let start = Instant::now();
    for d in devices.iter_mut() {
        client.push(d, &mut report, &mut |_| {}).await.unwrap();
    }
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

/// Synthetic rows up to `total` events: each a copy of a real event's text under a new id,
/// linked to a container of its own.
const FILL_SQLITE: &str = "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
INSERT INTO events (id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
SELECT printf('f%063d', i), ?2, '[]', 'generated', 0, 'x', 'x', 0, 'x', NULL FROM n;
";

fn fill_sqlite(path: &std::path::Path, extra: usize, body: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(60)).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(FILL_SQLITE, rusqlite::params![extra as i64, body])
        .unwrap();
    conn.execute(
        "INSERT INTO event_links (event_id, container, prev) SELECT id, 'C' || substr(id, 2), NULL FROM events WHERE id LIKE 'f%'",
        [],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
}

async fn fill_postgres(url: &str, extra: usize, body: &str) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // Each synthetic event at home in its own container, at a position of its own.
    client
        .execute(
            "INSERT INTO events (container, seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
             SELECT 'C' || lpad(i::text, 63, '0'), i, 'f' || lpad(i::text, 63, '0'), $2, '[]', 'generated', 0, 'x', 'x', 0, 'x', NULL
             FROM generate_series(1, $1::bigint) AS i",
            &[&(extra as i64), &body],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO event_links (event_id, container, prev, home, seq)
             SELECT id, container, NULL, container, seq FROM events WHERE container LIKE 'C%'",
            &[],
        )
        .await
        .unwrap();
    client.batch_execute("ANALYZE").await.unwrap();
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// The CPU seconds a PostgreSQL server's processes have used so far (its postmaster, the
/// children it waited for, and those alive), read from /proc: the server of `url`.
async fn server_cpu(url: &str) -> Option<f64> {
    let pid: i32 = connect(url)
        .await
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .ok()?
        .get(0);
    let stat = |pid: &str| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after = text.rsplit_once(')')?.1;
        Some(after.split_whitespace().map(str::to_string).collect())
    };
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    let postmaster = stat(&pid.to_string())?.get(1)?.clone();
    let ticks =
        |f: &[String], i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let own = stat(&postmaster)?;
    let mut total = ticks(&own, 11) + ticks(&own, 12) + ticks(&own, 13) + ticks(&own, 14);
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some(f) = stat(&name) {
            if f.get(1) == Some(&postmaster) {
                total += ticks(&f, 11) + ticks(&f, 12);
            }
        }
    }
    Some(total / 100.0) // USER_HZ
}

/// Starts counting the statements of the database of `url`, when the server loads
/// `pg_stat_statements` (`shared_preload_libraries`); false, saying so, when it does not.
async fn statements_reset(url: &str) -> bool {
    let c = connect(url).await;
    let ready = c
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()",
        )
        .await;
    if let Err(e) = ready {
        println!(
            "(no per-statement breakdown: pg_stat_statements is not loaded by the server: {e})"
        );
        return false;
    }
    true
}

/// Where the server's time went during the push, per statement on this database, in µs
/// per event pushed (planning and execution; the statements' own time, not the wait for
/// the client): the ten largest, and their sum.
async fn statements(url: &str, n: usize) {
    let rows = connect(url)
        .await
        .query(
            "SELECT left(regexp_replace(s.query, '\\s+', ' ', 'g'), 72), s.calls, s.rows,
                    s.total_plan_time + s.total_exec_time
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%'
             ORDER BY 4 DESC",
            &[],
        )
        .await
        .unwrap();
    let per = |ms: f64| ms * 1000.0 / n as f64;
    let total: f64 = rows.iter().map(|r| r.get::<_, f64>(3)).sum();
    println!("| PostgreSQL push: statement | calls | rows | µs per event |");
    for r in rows.iter().take(10) {
        let (q, calls, nrows, ms): (String, i64, i64, f64) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        println!("| `{q}…` | {calls} | {nrows} | {:.1} |", per(ms));
    }
    println!(
        "| every statement ({}) | | | {:.1} |",
        rows.len(),
        per(total)
    );
}

/// The bytes the registry's tables (with their indexes) take per event pushed, on every node.
async fn stored_bytes(backend: &str, url: &str, n: usize) {
    let c = connect(url).await;
    let citus: bool = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let sql = if citus {
        "SELECT coalesce(sum(shard_size), 0)::bigint FROM citus_shards"
    } else {
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
         JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r'"
    };
    let bytes: i64 = c.query_one(sql, &[]).await.unwrap().get(0);
    println!(
        "| {backend} | stored, tables and indexes | {:.0} bytes per event pushed |",
        bytes as f64 / n as f64
    );
}

/// The nodes of the Citus cluster of `url`: (name, URL of the same database there).
async fn citus_nodes(url: &str) -> Vec<(String, String)> {
    let rows = connect(url)
        .await
        .query(
            "SELECT groupid, nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' ORDER BY groupid",
            &[],
        )
        .await
        .unwrap();
    let (scheme_user, rest) = url.split_at(
        url.find('@')
            .map_or(url.find("://").unwrap() + 3, |i| i + 1),
    );
    let path = &rest[rest.find('/').unwrap_or(rest.len())..];
    rows.iter()
        .map(|r| {
            let (group, host, port): (i32, String, i32) = (r.get(0), r.get(1), r.get(2));
            let name = if group == 0 {
                "coordinator".to_string()
            } else {
                format!("worker {group}")
            };
            (name, format!("{scheme_user}{host}:{port}{path}"))
        })
        .collect()
}

/// How the events spread over the shards and nodes: one line per node (shards, events,
/// bytes of every registry table), and the events per shard (fewest, most).
async fn spread(url: &str) {
    let c = connect(url).await;
    for r in c
        .query(
            "SELECT nodename || ':' || nodeport, count(*) FILTER (WHERE table_name = 'events'::regclass),
                    sum(shard_size)::bigint
             FROM citus_shards GROUP BY 1 ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
    {
        let (node, shards, bytes): (String, i64, i64) = (r.get(0), r.get(1), r.get(2));
        println!("| node {node} | {shards} shards of events | {:.1} MB of the registry's tables |", bytes as f64 / 1e6);
    }
    let counts: Vec<i64> = c
        .query(
            "SELECT result::bigint FROM run_command_on_shards('events', 'SELECT count(*) FROM %s')",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
    let mean = counts.iter().sum::<i64>() as f64 / counts.len() as f64;
    println!(
        "| events per shard | {} shards | fewest {min} | most {max} | mean {mean:.0} |",
        counts.len()
    );
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
    let pushed = push_all(&state, &url, &mut devices).await;
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
    let pushed = push_all(&pg_state, &url, &mut pg_devices).await;
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
            let pushed = push_all(&state, &url, &mut devices).await;
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
