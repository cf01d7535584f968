//! kill -9: a child process records events in a loop and prints each event id once its
//! transaction has committed; the parent kills it with SIGKILL at random moments, many
//! times over the same data directory. Every acknowledged event must be there afterwards,
//! the store must open cleanly after every kill, and the whole record must verify.
//!
//! The child is this test binary re-executed with only [`child`] selected; that test is
//! ignored and does nothing unless [`CHILD_ENV`] names the data directory.

use crate::common::*;
use rand::Rng;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use yima_codes::LabelCode;
use yima_core::{ContainerState, EventId, Role};
use yima_device::{Clock, Device, ErrorKind, SystemClock, STORE_FILE};
use yima_store::Store;

/// Names the child's data directory; the child test does nothing without it.
const CHILD_ENV: &str = "YIMA_CRASH_CHILD_DIR";
/// The child's test path in this binary.
const CHILD_TEST: &str = "crash::child";
/// Kills.
const ROUNDS: usize = 40;
/// The child stops by itself after this long (it is meant to be killed long before).
const CHILD_LIFETIME: Duration = Duration::from_secs(30);
/// Waste codes the child registers, in turn: each has 999 label sequences a day.
const CHILD_WASTES: [&str; 12] = [
    "900-041-49",
    "900-249-08",
    "336-064-17",
    "841-001-01",
    "201-002-05",
    "900-213-08",
    "261-013-11",
    "900-256-12",
    "336-068-17",
    "231-007-29",
    "398-007-34",
    "321-020-48",
];
/// Marks lines the parent reads (libtest may print `test crash::child ... ` before the first).
const READY: &str = "READY";
const ACK: &str = "ACK ";

#[test]
#[ignore = "the child process of kill_nine_loses_no_acknowledged_event; does nothing alone"]
fn child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    run_child(Path::new(&dir));
}

/// Prints lines on stdout, flushed at once; a closed pipe (parent gone) ends the child.
struct Out(std::io::Stdout);

impl Out {
    fn line(&mut self, text: &str) {
        let mut out = self.0.lock();
        writeln!(out, "{text}").expect("parent gone");
        out.flush().expect("parent gone");
    }

    /// Acknowledges events: called only after the call that recorded them returned Ok.
    fn ack(&mut self, ids: impl IntoIterator<Item = EventId>) {
        for id in ids {
            self.line(&format!("{ACK}{id}"));
        }
    }
}

/// The generating event of a container just registered (read after the commit).
fn generated_id<C: Clock>(device: &mut Device<C>, code: &LabelCode) -> EventId {
    let history = device.history(code).expect("history");
    history[0].id.parse().expect("hex id")
}

fn run_child(dir: &Path) {
    let started = Instant::now();
    let mut out = Out(std::io::stdout());
    let mut device = Device::open(dir, SystemClock).expect("child: open");
    let me = device.identity().expect("identity").org;
    let year = || {
        use chrono::Datelike;
        SystemClock.now().china_date().year() as u16
    };
    let mut serial: u32 = rand::thread_rng().gen_range(1..=900_000);
    let mut dispatch = move |device: &mut Device<SystemClock>, codes: &[LabelCode]| {
        serial += 1;
        // The sender weighs before dispatch: those events are acknowledged too.
        let mut ids = weigh_each(device, codes);
        ids.push(
            device
                .record(&step(codes, dispatch_action(&me, year(), serial)))
                .expect("dispatch")
                .id,
        );
        ids
    };

    // What an earlier life left half done is finished first.
    let mut generated = Vec::new();
    let mut stored = Vec::new();
    for c in device.containers().expect("containers") {
        let code: LabelCode = c.code.parse().expect("code");
        match c.state {
            ContainerState::Generated => generated.push(code),
            ContainerState::Stored => stored.push(code),
            _ => {}
        }
    }
    out.line(READY);
    for code in generated {
        let e = device
            .record(&step(std::slice::from_ref(&code), store_action()))
            .expect("store");
        out.ack([e.id]);
        stored.push(code);
    }
    for code in stored {
        let ids = dispatch(&mut device, std::slice::from_ref(&code));
        out.ack(ids);
    }

    // Then: register, store, dispatch — one event per transaction, or several at once.
    let mut wastes: Vec<&str> = CHILD_WASTES.to_vec();
    let mut n: usize = 0;
    while started.elapsed() < CHILD_LIFETIME {
        n += 1;
        if wastes.is_empty() {
            // Every label sequence of the day is used: wait to be killed.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        let waste = wastes[n % wastes.len()];
        let exhausted = |e: &yima_device::DeviceError| e.kind() == ErrorKind::SequenceExhausted;
        // Every third cycle: two containers and their steps in multi-event transactions.
        match n % 3 {
            0 => {
                let labels =
                    match device.register_all(&[new_container(waste), new_container(waste)]) {
                        Ok(labels) => labels,
                        Err(e) if exhausted(&e) => {
                            wastes.retain(|w| *w != waste);
                            continue;
                        }
                        Err(e) => panic!("register_all: {e:?}"),
                    };
                let codes: Vec<LabelCode> = labels.into_iter().map(|l| l.code).collect();
                let ids: Vec<EventId> =
                    codes.iter().map(|c| generated_id(&mut device, c)).collect();
                out.ack(ids);
                let reqs: Vec<_> = codes
                    .iter()
                    .map(|c| step(std::slice::from_ref(c), store_action()))
                    .collect();
                let events = device.record_all(&reqs).expect("record_all");
                out.ack(events.iter().map(|e| e.id));
                let ids = dispatch(&mut device, &codes);
                out.ack(ids);
            }
            _ => {
                let code = match device.register(&new_container(waste)) {
                    Ok(label) => label.code,
                    Err(e) if exhausted(&e) => {
                        wastes.retain(|w| *w != waste);
                        continue;
                    }
                    Err(e) => panic!("register: {e:?}"),
                };
                let id = generated_id(&mut device, &code);
                out.ack([id]);
                let e = device
                    .record(&step(std::slice::from_ref(&code), store_action()))
                    .expect("store");
                out.ack([e.id]);
                let ids = dispatch(&mut device, std::slice::from_ref(&code));
                out.ack(ids);
            }
        }
    }
}

/// What one child wrote before it died.
struct Round {
    lines: Vec<String>,
    status: std::process::ExitStatus,
    stderr: String,
}

fn run_round(exe: &Path, dir: &Path, log: &Path, early: bool, delay: Duration) -> Round {
    let mut child = Command::new(exe)
        .args([
            "--exact",
            CHILD_TEST,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("child log"))
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    if !early {
        // Kill while it writes, not while it starts.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let ready = line.ends_with(READY);
                    lines.push(line);
                    if ready {
                        break;
                    }
                }
                Err(_) => break, // ended or hung: the status and log below tell
            }
        }
    }
    std::thread::sleep(delay);
    child.kill().expect("kill child");
    let status = child.wait().expect("wait child");
    reader.join().expect("reader thread");
    lines.extend(rx.try_iter());
    Round {
        lines,
        status,
        stderr: std::fs::read_to_string(log).unwrap_or_default(),
    }
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("raw open");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

#[test]
fn kill_nine_loses_no_acknowledged_event() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("device");
    drop(init(&dir, Role::Producer, &producer(), SystemClock));
    let db = dir.join(STORE_FILE);
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = rand::thread_rng();

    let mut acked: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut busy_rounds = 0;
    for round in 0..ROUNDS {
        // One round in five kills the child while it starts (open, migrations check, resume).
        let early = round % 5 == 4;
        let delay = Duration::from_millis(if early {
            rng.gen_range(0..=40)
        } else {
            rng.gen_range(5..=150)
        });
        let log = tmp.path().join(format!("child-{round}.log"));
        let r = run_round(&exe, &dir, &log, early, delay);
        assert_eq!(
            r.status.signal(),
            Some(9),
            "round {round}: the child ended by itself ({}) instead of being killed; its stderr:\n{}",
            r.status,
            r.stderr
        );
        let mut new = 0;
        for line in &r.lines {
            if let Some((_, id)) = line.split_once(ACK) {
                assert_eq!(id.len(), 64, "round {round}: torn line {line:?}");
                assert!(
                    seen.insert(id.to_string()),
                    "round {round}: {id} acknowledged twice"
                );
                acked.push(id.to_string());
                new += 1;
            }
        }
        if new > 0 {
            busy_rounds += 1;
        }

        // After every kill the store opens cleanly and holds all acknowledged so far.
        let mut store = Store::open(&db).unwrap_or_else(|e| {
            panic!(
                "round {round}: the store does not open after kill -9: {:?}: {e}",
                e.kind()
            )
        });
        let stored: HashSet<String> = store
            .read(|tx| tx.all_event_rows())
            .expect("read events")
            .into_iter()
            .map(|row| hex::encode(row.id))
            .collect();
        let missing: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} acknowledged events lost: {missing:?}",
            missing.len()
        );
        drop(store);
        assert_eq!(integrity(&db), "ok", "round {round}");
    }

    let mut store = Store::open(&db).expect("final open");
    let rows = store.read(|tx| tx.all_event_rows()).unwrap();
    let found: HashSet<String> = rows.iter().map(|r| hex::encode(&r.id)).collect();
    assert!(acked.iter().all(|id| found.contains(id)));
    // Every event went in with its outbox row (the same transaction).
    let (pending, accepted, refused) = store.read(|tx| tx.outbox_counts()).unwrap();
    assert_eq!((pending, accepted, refused), (rows.len() as u64, 0, 0));
    let containers = store.read(|tx| tx.containers()).unwrap().len();
    drop(store);

    let mut device = Device::open(&dir, SystemClock).expect("final device open");
    let report = device.verify(None).unwrap();
    assert!(report.ok(), "verify after kills: {:?}", report.failures);
    assert_eq!(report.events, rows.len());

    println!(
        "kill -9 durability: {ROUNDS} rounds ({busy_rounds} with acknowledged events) in {:.1} s, \
         {} events acknowledged, {} events found, {containers} containers, verify ok",
        started.elapsed().as_secs_f64(),
        acked.len(),
        rows.len(),
    );
    assert!(!acked.is_empty(), "no child acknowledged any event");
}
