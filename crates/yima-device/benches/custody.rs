//! Custody benchmarks: capture, durable single events and verification, each printed beside
//! the raw limit measured in the same run on the same bytes, and the ratio.
//!
//! ```text
//! cargo bench -p yima-device --bench custody
//! YIMA_BENCH_N=4000 YIMA_BENCH_DURABLE_N=1000 YIMA_BENCH_REPS=5 cargo bench -p yima-device --bench custody
//! ```
//!
//! * `YIMA_BENCH_N` (default 2000): events per batched capture and containers in the store
//!   that is verified (it then holds 2 × N events: N generated, N stored).
//! * `YIMA_BENCH_DURABLE_N` (default 500): events recorded one per durable transaction.
//! * `YIMA_BENCH_REPS` (default 3): repetitions of the throughput measurements; every
//!   figure printed is the median over the repetitions, and each repetition measures the
//!   use case and its raw limit back to back so that background load hits both alike.
//!
//! A plain `main` timed with `std::time::Instant`: no harness, no timed tests.

use ed25519_dalek::{Signer, SigningKey};
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::Path;
use std::time::{Duration, Instant};
use yima_codes::LabelCode;
use yima_core::{
    decode, encode, verify, EventId, KeyDirectory, KeyEntry, RawEvent, Role, Timestamp,
    VerifyOptions, SIGNATURE_DOMAIN,
};
use yima_device::{Action, ActionRequest, Device, InitRequest, ManualClock, NewContainer};
use yima_store::Store;

const DAY_MS: i64 = 86_400_000;
/// Containers registered per (waste code, day): below the 999 label sequences of a day.
const PER_DAY: usize = 900;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Nearest-rank percentile of durations, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

// ---------------------------------------------------------------------------------------
// Machine facts.

fn machine_facts() {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let rustc =
        std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".into());
    println!("# Yima custody benchmarks");
    println!(
        "date (UTC)   : {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    );
    println!("cpus (nproc) : {cpus}");
    println!("cpu model    : {model}");
    println!("rustc        : {rustc}");
    println!("load average : {}", loadavg());
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

// ---------------------------------------------------------------------------------------
// Fixtures.

fn now_ms() -> i64 {
    Timestamp::from_datetime(chrono::Utc::now()).0
}

fn producer(dir: &Path, clock: ManualClock) -> Device<ManualClock> {
    Device::init(
        dir,
        &InitRequest::new(Role::Producer, "福州示例化工有限公司", "91350100M000100Y43"),
        clock,
    )
    .expect("init")
}

/// `n` realistic containers, spread over past days so no day runs out of label sequences.
fn containers(n: usize, now: i64) -> Vec<NewContainer> {
    (0..n)
        .map(|i| NewContainer {
            name: Some("废含油抹布".into()),
            main_components: "矿物油、棉纤维".into(),
            harmful_components: "矿物油".into(),
            precautions: "远离火源，佩戴防护手套 / keep away from fire, wear gloves".into(),
            contact: "王磊".into(),
            phone: "0591-87654321".into(),
            container_type: "200L 钢桶".into(),
            facility_code: "CS-01".into(),
            at: Some(Timestamp(now - (1 + (i / PER_DAY) as i64) * DAY_MS)),
            location: Some("福州市马尾区".into()),
            ..NewContainer::new("900-041-49", "25", "kg", "solid")
        })
        .collect()
}

fn store_request(code: &LabelCode) -> ActionRequest {
    ActionRequest {
        codes: vec![code.clone()],
        action: Action::Store {
            facility_code: "WS-01".into(),
        },
        at: None,
        location: Some("福州市马尾区 危废暂存间".into()),
    }
}

/// Every stored event, read back through a second connection to the device's file.
fn stored_events(dir: &Path) -> Vec<RawEvent> {
    let mut store = Store::open(&dir.join(yima_device::STORE_FILE)).expect("open store");
    let rows = store.read(|tx| tx.all_event_rows()).expect("rows");
    rows.iter().map(|r| r.to_raw().expect("raw")).collect()
}

/// A one-table database with the device store's pragmas.
fn bare_db(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open bare db");
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE events (id TEXT PRIMARY KEY, body BLOB NOT NULL)")
        .unwrap();
    conn
}

fn mean_len(events: &[RawEvent]) -> usize {
    events.iter().map(|e| e.canonical.len()).sum::<usize>() / events.len().max(1)
}

// ---------------------------------------------------------------------------------------
// Raw limits.

/// Bare Ed25519 signatures over each event's canonical bytes.
fn raw_sign(key: &SigningKey, events: &[RawEvent]) -> Duration {
    let t = Instant::now();
    let mut acc = 0u8;
    for e in events {
        acc ^= key.sign(&e.canonical).to_bytes()[0];
    }
    std::hint::black_box(acc);
    t.elapsed()
}

/// Bare SQLite insert of (hex id, canonical bytes), all in one transaction.
fn raw_insert(dir: &Path, events: &[RawEvent]) -> Duration {
    let mut conn = bare_db(&dir.join("bare.db"));
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let t = Instant::now();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    {
        let mut stmt = tx
            .prepare_cached("INSERT INTO events (id, body) VALUES (?1, ?2)")
            .unwrap();
        for (id, e) in ids.iter().zip(events) {
            stmt.execute(params![id, e.canonical]).unwrap();
        }
    }
    tx.commit().unwrap();
    t.elapsed()
}

/// Bare `ed25519_dalek::verify_batch` over the events' signatures (inputs prepared untimed),
/// on one thread, then in two halves on two threads.
fn raw_verify_batch(events: &[RawEvent]) -> (Duration, Duration) {
    let mut messages = Vec::new();
    let mut sigs = Vec::new();
    let mut keys = Vec::new();
    let mut key_cache: std::collections::HashMap<[u8; 32], ed25519_dalek::VerifyingKey> =
        Default::default();
    for e in events {
        for s in &e.signatures {
            let mut m = SIGNATURE_DOMAIN.to_vec();
            m.extend_from_slice(e.id.as_bytes());
            messages.push(m);
            sigs.push(ed25519_dalek::Signature::from_bytes(s.sig.as_bytes()));
            let k = *key_cache.entry(*s.key.as_bytes()).or_insert_with(|| {
                ed25519_dalek::VerifyingKey::from_bytes(s.key.as_bytes()).unwrap()
            });
            keys.push(k);
        }
    }
    let refs: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let t = Instant::now();
    let ok = ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_ok();
    let d = t.elapsed();
    assert!(ok, "bare batch verification failed");
    // The same signatures in two halves, one per core: what the raw limit becomes when it
    // may use the second core too, as `verify` does.
    let h = refs.len() / 2;
    let t = Instant::now();
    let ok = std::thread::scope(|scope| {
        let first =
            scope.spawn(|| ed25519_dalek::verify_batch(&refs[..h], &sigs[..h], &keys[..h]).is_ok());
        let second = ed25519_dalek::verify_batch(&refs[h..], &sigs[h..], &keys[h..]).is_ok();
        first.join().unwrap() && second
    });
    let d2 = t.elapsed();
    assert!(ok, "bare batch verification on two threads failed");
    (d, d2)
}

// ---------------------------------------------------------------------------------------
// 1. Batched capture.

struct CaptureRep {
    register: Duration,
    register_sign: Duration,
    register_insert: Duration,
    record: Duration,
    record_sign: Duration,
    record_insert: Duration,
    verify_core: Duration,
    verify_device: Duration,
    verify_bare: Duration,
    verify_bare_two: Duration,
    events_verified: usize,
    /// Mean canonical body size of the generated and the stored events, in bytes.
    body_bytes: (usize, usize),
    /// Parts of verification, over the same events: SHA-256 ids, decode (parse and
    /// canonical check), encode alone.
    part_hash: Duration,
    part_decode: Duration,
    part_encode: Duration,
}

/// Times the content checks `verify` makes per event, each over every event.
fn verify_parts(events: &[RawEvent]) -> (Duration, Duration, Duration) {
    let t = Instant::now();
    let mut acc = 0u8;
    for e in events {
        acc ^= EventId::of_canonical(&e.canonical).as_bytes()[0];
    }
    let hash = t.elapsed();
    let t = Instant::now();
    let bodies: Vec<_> = events
        .iter()
        .map(|e| decode(&e.canonical).expect("decodes"))
        .collect();
    let dec = t.elapsed();
    let t = Instant::now();
    for b in &bodies {
        acc ^= encode(b)[0];
    }
    let enc = t.elapsed();
    std::hint::black_box(acc);
    (hash, dec, enc)
}

fn capture_rep(n: usize) -> CaptureRep {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("device");
    let now = now_ms();
    let mut device = producer(&dir, ManualClock::new(Timestamp(now)));
    let reqs = containers(n, now);

    // register_all: N generated events (sign + insert + label + container rows), one transaction.
    let t = Instant::now();
    let labels = device.register_all(&reqs).expect("register_all");
    let register = t.elapsed();
    assert_eq!(labels.len(), n);

    // record_all: N stored events chained on those containers, one transaction.
    let stores: Vec<ActionRequest> = labels.iter().map(|l| store_request(&l.code)).collect();
    let t = Instant::now();
    let stored = device.record_all(&stores).expect("record_all");
    let record = t.elapsed();
    assert_eq!(stored.len(), n);

    // The same bytes, raw.
    let events = stored_events(&dir);
    assert_eq!(events.len(), 2 * n);
    let (generated, chained) = events.split_at(n);
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let register_sign = raw_sign(&key, generated);
    let bare_dir = tmp.path().join("bare-g");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let register_insert = raw_insert(&bare_dir, generated);
    let record_sign = raw_sign(&key, chained);
    let bare_dir = tmp.path().join("bare-s");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let record_insert = raw_insert(&bare_dir, chained);

    // Verification of the 2N stored events.
    let card = device.identity().expect("identity");
    let mut keys = KeyDirectory::new();
    keys.insert(
        card.key,
        KeyEntry {
            org: card.org.credit_code.clone(),
            roles: card.org_roles.clone(),
            revoked_at: None,
        },
    );
    let options = VerifyOptions {
        complete_devices: vec![card.key],
        unused_seqs: Vec::new(),
    };
    let t = Instant::now();
    let report = verify(&events, &keys, &options);
    let verify_core = t.elapsed();
    assert!(report.ok(), "verify failed: {:?}", report.failures.first());
    let t = Instant::now();
    let result = device.verify(None).expect("device verify");
    let verify_device = t.elapsed();
    assert!(
        result.ok(),
        "device verify failed: {:?}",
        result.failures.first()
    );
    let (verify_bare, verify_bare_two) = raw_verify_batch(&events);
    let (part_hash, part_decode, part_encode) = verify_parts(&events);

    CaptureRep {
        register,
        register_sign,
        register_insert,
        record,
        record_sign,
        record_insert,
        verify_core,
        verify_device,
        verify_bare,
        verify_bare_two,
        events_verified: events.len(),
        body_bytes: (mean_len(generated), mean_len(chained)),
        part_hash,
        part_decode,
        part_encode,
    }
}

// ---------------------------------------------------------------------------------------
// 2. One event per durable transaction.

struct Durable {
    record: Vec<Duration>,
    register: Vec<Duration>,
    bare: Vec<Duration>,
}

fn durable(n: usize) -> Durable {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("device");
    let now = now_ms();
    let mut device = producer(&dir, ManualClock::new(Timestamp(now)));
    let reqs = containers(n, now);
    let bare_dir = tmp.path().join("bare");
    std::fs::create_dir_all(&bare_dir).unwrap();
    let mut bare = bare_db(&bare_dir.join("bare.db"));

    // register one at a time, each call its own durable transaction; a bare durable insert
    // of that event's bytes right after it, so background load hits both alike.
    let mut out = Durable {
        record: Vec::with_capacity(n),
        register: Vec::with_capacity(n),
        bare: Vec::with_capacity(2 * n),
    };
    let mut codes = Vec::with_capacity(n);
    // Untimed: a second connection reads back the bytes just stored, to insert them bare.
    let reader = Connection::open(dir.join(yima_device::STORE_FILE)).unwrap();
    let last_body = || -> (String, Vec<u8>) {
        reader
            .query_row(
                // The store keeps ids as bytes; the bare table takes them as hex text.
                "SELECT lower(hex(id)), body FROM events ORDER BY pos DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let bare_insert = |bare: &mut Connection, (id, body): (String, Vec<u8>)| {
        let t = Instant::now();
        let tx = bare
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("INSERT INTO events (id, body) VALUES (?1, ?2)")
            .unwrap()
            .execute(params![id, body])
            .unwrap();
        tx.commit().unwrap();
        t.elapsed()
    };
    for req in &reqs {
        let t = Instant::now();
        let label = device.register(req).expect("register");
        out.register.push(t.elapsed());
        codes.push(label.code);
        out.bare.push(bare_insert(&mut bare, last_body()));
    }
    for code in &codes {
        let t = Instant::now();
        device.record(&store_request(code)).expect("record");
        out.record.push(t.elapsed());
        out.bare.push(bare_insert(&mut bare, last_body()));
    }
    out.record.sort();
    out.register.sort();
    out.bare.sort();
    out
}

// ---------------------------------------------------------------------------------------

/// One duration of a repetition.
type PickOne = fn(&CaptureRep) -> Duration;

fn met(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "NO"
    }
}

fn main() {
    let n = env_usize("YIMA_BENCH_N", 2000);
    let durable_n = env_usize("YIMA_BENCH_DURABLE_N", 500);
    let reps = env_usize("YIMA_BENCH_REPS", 5);
    machine_facts();
    println!(
        "sizes        : YIMA_BENCH_N={n} YIMA_BENCH_DURABLE_N={durable_n} YIMA_BENCH_REPS={reps}"
    );
    println!();

    // Warm-up (page cache, allocator, lazily built tables), not reported.
    let _ = capture_rep(n.min(200));

    let runs: Vec<CaptureRep> = (0..reps)
        .map(|i| {
            let r = capture_rep(n);
            eprintln!(
                "  rep {}/{reps}: register_all {:.0}/s, record_all {:.0}/s, verify {:.0}/s, bare batch verify {:.0}/s",
                i + 1,
                per_sec(n, r.register),
                per_sec(n, r.record),
                per_sec(r.events_verified, r.verify_core),
                per_sec(r.events_verified, r.verify_bare),
            );
            r
        })
        .collect();
    let d = durable(durable_n);

    let ev = runs[0].events_verified;
    // Every figure is the median over the repetitions; every ratio is the median of the
    // repetitions' own ratios (each repetition measures a use case and its raw limit back to
    // back, so a burst of background load shows in both).
    let med = |f: &dyn Fn(&CaptureRep) -> f64| median(runs.iter().map(f).collect());
    let us = |d: Duration, k: usize| d.as_secs_f64() * 1e6 / k as f64;
    let row = |name: &str, rate: f64, limit: Option<(f64, f64, f64)>| match limit {
        None => println!("| {name} | {rate:.0} | {:.1} | | | | |", 1e6 / rate),
        Some((limit, ratio, target)) => println!(
            "| {name} | {rate:.0} | {:.1} | {limit:.0} | {ratio:.2} | ≥ {target:.2} | {} |",
            1e6 / rate,
            met(ratio >= target)
        ),
    };

    // 1. Capture.
    let (gen_len, stored_len) = runs[0].body_bytes;
    println!("## 1. Batched capture (sign + chain + insert), {n} events in one transaction, median of {reps}");
    println!();
    println!("Canonical bodies: {gen_len} bytes per generated event, {stored_len} per stored event (mean).");
    println!();
    println!("| figure | events/s | µs/event | raw limit events/s | ratio | target | met? |");
    println!("|---|---:|---:|---:|---:|---:|:--:|");
    type Pick = fn(&CaptureRep) -> (Duration, Duration, Duration);
    let cases: [(&str, &str, Pick); 2] = [
        (
            "`register_all` (generated: label, new chain)",
            "generated",
            |r| (r.register, r.register_sign, r.register_insert),
        ),
        (
            "`record_all` (stored: chained on the head)",
            "stored",
            |r| (r.record, r.record_sign, r.record_insert),
        ),
    ];
    for (name, bytes, pick) in cases {
        let rate = med(&|r| per_sec(n, pick(r).0));
        let sign = med(&|r| per_sec(n, pick(r).1));
        let insert = med(&|r| per_sec(n, pick(r).2));
        let limit_of = |r: &CaptureRep| 1e6 / (us(pick(r).1, n) + us(pick(r).2, n));
        let limit = med(&limit_of);
        let ratio = med(&|r| per_sec(n, pick(r).0) / limit_of(r));
        row(
            &format!("bare Ed25519 sign of the {bytes} bytes"),
            sign,
            None,
        );
        row(
            &format!("bare SQLite insert of the {bytes} bytes (one transaction)"),
            insert,
            None,
        );
        row(name, rate, Some((limit, ratio, 0.7)));
    }
    println!();

    // 2. Durable single events.
    let (bp50, bp99) = (percentile_ms(&d.bare, 50.0), percentile_ms(&d.bare, 99.0));
    println!(
        "## 2. One event per durable transaction (WAL, synchronous=FULL), {durable_n} of each"
    );
    println!();
    println!(
        "| figure | p50 ms | p99 ms | max ms | raw p50 / p99 ms | p99 ratio | target | met? |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|:--:|");
    let max_ms = |v: &[Duration]| v.last().unwrap().as_secs_f64() * 1e3;
    println!(
        "| bare single-row durable insert of the same bytes ({} rows) | {bp50:.2} | {bp99:.2} | {:.2} | | | | |",
        d.bare.len(),
        max_ms(&d.bare)
    );
    for (name, v) in [
        ("`register` (one generated event)", &d.register),
        ("`record` (one stored event)", &d.record),
    ] {
        let (p50, p99) = (percentile_ms(v, 50.0), percentile_ms(v, 99.0));
        println!(
            "| {name} | {p50:.2} | {p99:.2} | {:.2} | {bp50:.2} / {bp99:.2} | {:.2} | p99 ≤ 15 ms | {} |",
            max_ms(v),
            p99 / bp99,
            met(p99 <= 15.0)
        );
    }
    println!();

    // 3. Verification.
    let vb = med(&|r| per_sec(ev, r.verify_bare));
    println!("## 3. Chain verification, {ev} stored events ({n} chains of 2), median of {reps}");
    println!();
    println!("| figure | events/s | µs/event | raw limit events/s | ratio | target | met? |");
    println!("|---|---:|---:|---:|---:|---:|:--:|");
    row(
        "bare `ed25519_dalek::verify_batch` over the same signatures",
        vb,
        None,
    );
    let verifies: [(&str, PickOne); 2] = [
        ("`yima_core::verify`", |r| r.verify_core),
        (
            "`Device::verify` (read rows + verify + audit index rows)",
            |r| r.verify_device,
        ),
    ];
    for (name, pick) in verifies {
        let rate = med(&|r| per_sec(ev, pick(r)));
        let ratio = med(&|r| r.verify_bare.as_secs_f64() / pick(r).as_secs_f64());
        row(name, rate, Some((vb, ratio, 0.8)));
    }
    println!();
    let vb2 = med(&|r| per_sec(ev, r.verify_bare_two));
    let ratio2 = |pick: PickOne| med(&|r| r.verify_bare_two.as_secs_f64() / pick(r).as_secs_f64());
    println!(
        "`verify` uses both cores. The same bare batch verify in two halves on two threads: \
         {vb2:.0} events/s; against it `yima_core::verify` is {:.2} ×, `Device::verify` {:.2} ×.",
        ratio2(|r| r.verify_core),
        ratio2(|r| r.verify_device)
    );
    println!();
    println!("Content checks `verify` makes per event, timed alone over the same events:");
    println!();
    println!("| part | µs/event | as a share of bare batch verify |");
    println!("|---|---:|---:|");
    let parts: [(&str, PickOne); 3] = [
        ("SHA-256 id of the canonical bytes", |r| r.part_hash),
        (
            "decode (the canonical reader; refuses other spellings)",
            |r| r.part_decode,
        ),
        (
            "encode (for comparison: what a re-encode check would add)",
            |r| r.part_encode,
        ),
    ];
    for (name, pick) in parts {
        let v = med(&|r| us(pick(r), ev));
        println!("| {name} | {v:.1} | {:.0}% |", 100.0 * v * vb / 1e6);
    }
    println!();
    println!("load average at the end: {}", loadavg());
}
