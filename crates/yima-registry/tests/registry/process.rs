//! The `yima-registry` binary as an operator runs it: set up by script with `admin`, serving
//! HTTPS with the given certificate, refusing plain HTTP off loopback, and killed with SIGKILL
//! in the middle of a device's push, then restarted on the same database: the device's sync
//! resumes by itself and every event is stored once.

use crate::common::credit;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use yima_core::Role;
use yima_device::{Device, InitRequest, NewContainer, SystemClock};
use yima_registry::testing::PgDb;
use yima_registry::{PostgresStore, RegistryStore, SqliteStore};
use yima_sync::{Registry, SyncOptions};

const BIN: &str = env!("CARGO_BIN_EXE_yima-registry");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `yima-registry --db DB ARGS…` to completion; returns stdout.
fn admin(db: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Registers the producer every test here uses, by `admin add-org`; returns its credit code.
fn add_producer(db: &str) -> yima_codes::CreditCode {
    let producer = credit("91350100M000100Y4");
    admin(
        db,
        &[
            "admin",
            "add-org",
            "--credit-code",
            producer.as_str(),
            "--name",
            "福州示例化工有限公司",
            "--roles",
            "producer",
        ],
    );
    producer
}

/// Starts `yima-registry serve` and waits until it accepts connections.
fn serve(db: &str, extra: &[&str], addr: SocketAddr) -> Child {
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .arg("serve")
        .arg("--listen")
        .arg(addr.to_string())
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("yima-registry exited early: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "registry never listened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Kills the child at the end of the test, also when it fails.
struct Killed(Option<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        if let Some(c) = &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn plain_http_is_refused_off_loopback_and_tls_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let out = Command::new(BIN)
        .args(["--db", &db, "serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tls-cert"), "{err}");

    // A self-signed certificate for localhost, made here (rcgen) rather than by a Debian tool.
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let _child = Killed(Some(serve(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        addr,
    )));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let root = reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap();
        let client = reqwest::Client::builder()
            .add_root_certificate(root)
            .build()
            .unwrap();
        let url = format!("https://localhost:{}/v1/openapi.json", addr.port());
        let resp = client.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let spec: serde_json::Value = resp.json().await.unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
        // Without trusting the certificate, or in plain HTTP, nothing is served.
        assert!(reqwest::get(&url).await.is_err());
        let plain = format!("http://localhost:{}/v1/openapi.json", addr.port());
        assert!(!matches!(reqwest::get(&plain).await, Ok(r) if r.status() == 200));
    });
}

#[test]
fn a_device_enrols_from_a_picture_of_the_operators_enrolment_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");
    let db = db.to_str().unwrap();
    let producer = add_producer(db);
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let url = format!("http://{addr}");
    let picture = dir.path().join("enrol.png");
    let code = admin(
        db,
        &[
            "admin",
            "enrol-code",
            "--org",
            producer.as_str(),
            "--role",
            "producer",
            "--url",
            &url,
            "--qr",
            picture.to_str().unwrap(),
        ],
    );
    // The picture, read as a phone's camera would, gives the URL and the code printed.
    let texts: Vec<String> = yima_scan::scan_file(&picture)
        .unwrap()
        .into_iter()
        .map(|f| f.text)
        .collect();
    let qr = yima_device::enrolment_from_texts(&texts).unwrap();
    assert_eq!(
        (qr.url.as_str(), qr.code.as_str()),
        (url.as_str(), code.trim())
    );
    // A URL that is no registry address spends no code.
    let out = Command::new(BIN)
        .args([
            "--db",
            db,
            "admin",
            "enrol-code",
            "--org",
            producer.as_str(),
        ])
        .args(["--role", "producer", "--url", "ftp://registry"])
        .output()
        .unwrap();
    assert!(!out.status.success() && out.stdout.is_empty(), "{out:?}");

    let _child = Killed(Some(serve(db, &[], addr)));
    let device_dir = tempfile::tempdir().unwrap();
    let req = InitRequest::new(Role::Producer, "福州示例化工有限公司", producer.as_str());
    let mut dev = Device::init(device_dir.path(), &req, SystemClock).unwrap();
    let client = Registry::new(&qr.url, SyncOptions::default()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let info = rt.block_on(client.enrol(&mut dev, &qr.code)).unwrap();
    assert_eq!(info.org, producer);
    assert_eq!(dev.registry().unwrap().unwrap().0, url);
}

/// Sets the registry up by script, enrols a producer device with 1500 events, pushes them in
/// batches of 50, kills the registry with SIGKILL after the first few hundred are stored and
/// restarts it on the same database while the device keeps syncing.
fn killed_mid_push(db: &str) -> u64 {
    let producer = add_producer(db);
    let code = admin(
        db,
        &[
            "admin",
            "enrol-code",
            "--org",
            producer.as_str(),
            "--role",
            "producer",
        ],
    );
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut child = Killed(Some(serve(db, &[], addr)));

    let dir = tempfile::tempdir().unwrap();
    let req = InitRequest::new(Role::Producer, "福州示例化工有限公司", producer.as_str());
    let mut dev = Device::init(dir.path(), &req, SystemClock).unwrap();
    let client = Registry::new(
        &format!("http://{addr}"),
        SyncOptions {
            batch: 50,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(500),
            max_attempts: 200,
            ..SyncOptions::default()
        },
    )
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(client.enrol(&mut dev, code.trim())).unwrap();
    // The operator's command answers truthfully for a device that already holds a block.
    let key = dev.identity().unwrap().key.to_string();
    let said = admin(db, &["admin", "give-block", "--key", &key]);
    assert!(said.contains("already holds block 1-500"), "{said}");
    // 1500 labels of one code and day exceed the device's block of sequences (the registry
    // gives the first device enrolled 1-500): three waste codes.
    for (waste, form) in [
        ("900-041-49", "solid"),
        ("900-249-08", "liquid"),
        ("900-039-49", "solid"),
    ] {
        let reqs: Vec<NewContainer> = (0..500)
            .map(|_| labelled(NewContainer::new(waste, "5", "kg", form)))
            .collect();
        dev.register_all(&reqs).unwrap();
    }

    let done = AtomicU64::new(0);
    let report = rt.block_on(async {
        let mut progress = |p: yima_sync::Progress| {
            done.store(p.done, Ordering::SeqCst);
        };
        let sync = client.sync(&mut dev, &mut progress);
        let killer = async {
            while done.load(Ordering::SeqCst) < 200 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let mut c = child.0.take().unwrap();
            c.kill().unwrap(); // SIGKILL: no shutdown, mid-request
            c.wait().unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            child.0 = Some(tokio::task::block_in_place(|| serve(db, &[], addr)));
        };
        let (report, ()) = tokio::join!(sync, killer);
        report
    });
    let report = report.unwrap();
    assert_eq!(report.accepted, 1500, "{report:?}");
    assert_eq!(report.refused, 0);
    assert_eq!(dev.outbox_counts().unwrap().pending, 0);
    drop(child);
    1500
}

#[test]
fn sqlite_registry_killed_mid_push_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let expected = killed_mid_push(&format!("sqlite:{}", path.display()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = SqliteStore::open(Path::new(&path)).unwrap();
    assert_eq!(rt.block_on(store.event_count()).unwrap(), expected);
}

#[test]
fn postgres_registry_killed_mid_push_loses_and_doubles_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(PgDb::create());
    let expected = killed_mid_push(&db.url);
    let store = rt.block_on(PostgresStore::connect(&db.url)).unwrap();
    assert_eq!(rt.block_on(store.event_count()).unwrap(), expected);
}

/// `c` with the label fields HJ 1276 requires.
fn labelled(c: NewContainer) -> NewContainer {
    NewContainer {
        main_components: "矿物油".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        ..c
    }
}

/// The registry's log as an operator's collector reads it (`--log-format json`): an access
/// line per request (method, matched route, status, latency, key, request id) and each
/// refusal with its reason; SIGTERM ends it cleanly.
#[test]
fn the_json_log_shows_each_request_and_each_refusal_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(BIN)
        .args(["--db", &db, "--log-format", "json", "serve", "--listen"])
        .arg(addr.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stranger = yima_core::DeviceKey::from_secret(&[7; 32]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let resp = http
            .get(format!("http://{addr}/v1/health"))
            .header("x-request-id", "req-health-1")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-request-id"], "req-health-1");
        let auth = yima_protocol::sign_request(
            &stranger,
            "GET",
            "/v1/feed",
            chrono::Utc::now().timestamp_millis(),
            "0123456789abcdef",
            b"",
        );
        let mut req = http.get(format!("http://{addr}/v1/feed"));
        for (k, v) in auth.headers() {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert!(!resp.headers()["x-request-id"].is_empty());
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "SIGTERM ends the registry cleanly: {out:?}"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let access = |route: &str| {
        lines
            .iter()
            .find(|l| l["fields"]["message"] == "access" && l["span"]["route"] == route)
            .unwrap_or_else(|| panic!("no access line for {route} in {lines:#?}"))
    };
    let health = access("/v1/health");
    assert_eq!(health["span"]["method"], "GET");
    assert_eq!(health["span"]["status"], 200);
    assert_eq!(health["span"]["request_id"], "req-health-1");
    assert!(health["span"]["latency_ms"].is_number());
    let feed = access("/v1/feed");
    assert_eq!(feed["span"]["status"], 401);
    assert_eq!(
        feed["span"]["key"],
        stranger.public().to_string()[..16],
        "the key a request names"
    );
    let refusal = lines
        .iter()
        .find(|l| l["fields"]["kind"] == "unauthorized")
        .unwrap_or_else(|| panic!("no refusal line in {lines:#?}"));
    assert_eq!(refusal["level"], "WARN");
    assert!(
        refusal["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("is not enrolled"),
        "{refusal}"
    );
}

/// `GET /v1/registry-key` of a registry listening at `addr`.
fn published_key(addr: SocketAddr) -> yima_core::PublicKey {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let resp = reqwest::get(format!("http://{addr}/v1/registry-key"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json::<yima_registry::RegistryKeyAnswer>()
            .await
            .unwrap()
            .key
    })
}

/// `serve --registry-key-file` (or `YIMA_REGISTRY_KEY_FILE`) signs with the file's key;
/// without it, registries on one database all publish the key the first one kept there.
#[test]
fn the_registry_key_comes_from_the_configured_file_or_else_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let file = dir.path().join("registry.key");
    let given = yima_core::DeviceKey::from_secret(&[33; 32]);
    std::fs::write(&file, hex::encode(given.secret_bytes())).unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Killed(Some(serve(
        &db,
        &["--registry-key-file", file.to_str().unwrap()],
        addr,
    )));
    assert_eq!(published_key(addr), given.public());
    drop(child);

    // Without the file: the database's key, the same on every start.
    let first: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let one = Killed(Some(serve(&db, &[], first)));
    let second: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let two = Killed(Some(serve(&db, &[], second)));
    let key = published_key(first);
    assert_ne!(key, given.public());
    assert_eq!(published_key(second), key);
    drop((one, two));

    // The start-up line names the key, for the operator to publish; a bad file stops it.
    std::fs::write(&file, "zz").unwrap();
    let out = Command::new(BIN)
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .env("YIMA_REGISTRY_KEY_FILE", &file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("64 hex digits"), "{err}");
    let mut child = Command::new(BIN)
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    loop {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0,
            "no start-up line names the registry key"
        );
        if line.starts_with("yima-registry: registry key") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains(&key.to_string()), "{line}");
}
