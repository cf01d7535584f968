//! Shared by the custody benchmarks: statistics, machine facts and fixtures.

use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;
use yima_codes::LabelCode;
use yima_core::{RawEvent, Role, Timestamp};
use yima_device::{Action, ActionRequest, Device, InitRequest, ManualClock, NewContainer};
use yima_store::Store;

pub(crate) const DAY_MS: i64 = 86_400_000;
/// Containers registered per (waste code, day): below the 999 label sequences of a day.
pub(crate) const PER_DAY: usize = 900;

pub(crate) fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Nearest-rank percentile of durations, in milliseconds.
pub(crate) fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
}

pub(crate) fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

// ---------------------------------------------------------------------------------------
// Machine facts.

pub(crate) fn machine_facts() {
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

pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

// ---------------------------------------------------------------------------------------
// Fixtures.

pub(crate) fn now_ms() -> i64 {
    Timestamp::from_datetime(chrono::Utc::now()).0
}

pub(crate) fn producer(dir: &Path, clock: ManualClock) -> Device<ManualClock> {
    Device::init(
        dir,
        &InitRequest::new(Role::Producer, "福州示例化工有限公司", "91350100M000100Y43"),
        clock,
    )
    .expect("init")
}

/// `n` realistic containers, spread over past days so no day runs out of label sequences.
pub(crate) fn containers(n: usize, now: i64) -> Vec<NewContainer> {
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

pub(crate) fn store_request(code: &LabelCode) -> ActionRequest {
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
pub(crate) fn stored_events(dir: &Path) -> Vec<RawEvent> {
    let mut store = Store::open(&dir.join(yima_device::STORE_FILE)).expect("open store");
    let rows = store.read(|tx| tx.all_event_rows()).expect("rows");
    rows.iter().map(|r| r.to_raw().expect("raw")).collect()
}

/// A one-table database with the device store's pragmas.
pub(crate) fn bare_db(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open bare db");
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE events (id TEXT PRIMARY KEY, body BLOB NOT NULL)")
        .unwrap();
    conn
}

pub(crate) fn mean_len(events: &[RawEvent]) -> usize {
    events.iter().map(|e| e.canonical.len()).sum::<usize>() / events.len().max(1)
}
