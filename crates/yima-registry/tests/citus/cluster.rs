//! A throwaway Citus cluster for one test, the registry processes serving on it, and
//! signed pushes to them over HTTP.

use crate::common::Member;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use yima_core::{SignedEvent, Timestamp, WireEvent};
use yima_protocol::{sign_request, PushOutcome, PushRequest, PushResponse};

const BIN: &str = env!("CARGO_BIN_EXE_yima-registry");

/// One cluster at a time: the machine has two cores, and a test kills a worker.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A running cluster: a coordinator and two workers, stopped (and its directory removed)
/// when dropped.
pub struct Cluster {
    dir: PathBuf,
    /// The coordinator's `postgres://` URL, on a database to connect to.
    pub url: String,
    _turn: MutexGuard<'static, ()>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/citus-cluster")
}

fn run_script(args: &[&str]) -> String {
    let out = Command::new(script())
        .args(args)
        .env("YIMA_SHARED", yima_testdata::shared_root())
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/citus-cluster");
    assert!(
        out.status.success(),
        "scripts/citus-cluster {args:?}: {}",
        out.status
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

impl Cluster {
    /// Starts a cluster for `what`, building Citus first if the cache lacks it; `None`
    /// (after one `skipped: …` line) without the Citus sources.
    pub fn start(what: &str) -> Option<Cluster> {
        yima_testdata::shared("vendor/citus-13.2.2.tar.gz", what)?;
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::Builder::new()
            .prefix("yima-citus-test")
            .tempdir()
            .expect("temp dir")
            .keep();
        run_script(&["start", dir.to_str().expect("utf-8 path")]);
        let env = std::fs::read_to_string(dir.join("env")).expect("the cluster's env");
        let url = env
            .lines()
            .find_map(|l| l.strip_prefix("YIMA_CITUS_URL="))
            .expect("YIMA_CITUS_URL")
            .to_string();
        Some(Cluster {
            dir,
            url,
            _turn: turn,
        })
    }

    /// Stops a node at once, as a crash would (`worker1`, `worker2`).
    pub fn kill(&self, node: &str) {
        run_script(&["node", self.dir.to_str().unwrap(), node, "stop"]);
    }

    /// Starts a stopped node again on its port.
    pub fn restart(&self, node: &str) {
        run_script(&["node", self.dir.to_str().unwrap(), node, "start"]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .args(["stop", self.dir.to_str().unwrap()])
            .status();
    }
}

pub fn free_addr() -> SocketAddr {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A `yima-registry serve` process, killed when dropped.
pub struct Serve(Child);

impl Serve {
    /// Starts `yima-registry --db DB serve` on `addr` and waits until it listens.
    pub fn start(db: &str, addr: SocketAddr) -> Serve {
        let mut child = Command::new(BIN)
            .args(["--db", db, "serve", "--listen", &addr.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start yima-registry");
        let start = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("yima-registry exited early: {status}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "registry never listened"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Serve(child)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Pushes `events` signed by `by` to the registry at `addr` (`POST /v1/events`); the
/// outcome of each.
pub async fn push(
    http: &reqwest::Client,
    addr: SocketAddr,
    by: &Member,
    events: &[SignedEvent],
) -> Vec<PushOutcome> {
    let body = serde_json::to_vec(&PushRequest {
        events: events.iter().map(WireEvent::of).collect(),
        tracks: Vec::new(),
    })
    .unwrap();
    let nonce = format!("{:016x}", rand::random::<u64>());
    let time = Timestamp::from_datetime(chrono::Utc::now()).0;
    let auth = sign_request(&by.key, "POST", "/v1/events", time, &nonce, &body);
    let mut req = http
        .post(format!("http://{addr}/v1/events"))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in auth.headers() {
        req = req.header(name, value);
    }
    let resp = req.send().await.expect("push");
    let status = resp.status();
    let text = resp.text().await.expect("answer");
    assert!(status.is_success(), "push to {addr}: {status} {text}");
    let answer: PushResponse = serde_json::from_str(&text).expect("push response");
    answer.results.iter().map(|r| r.outcome).collect()
}
