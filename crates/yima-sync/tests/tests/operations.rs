//! Operations (issue 12, findings 5, 7, 8): rate limits answered 429 with `Retry-After` and
//! nothing stored; bodies that never arrive and idle connections cut off; connection limits
//! per address; a graceful shutdown that finishes pushes in flight; readiness that follows
//! the database; metrics scraped.

use crate::harness::*;
use crate::security::{enrolled_key, generated, push};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yima_core::{DeviceKey, Role};
use yima_protocol::{sign_request, ErrorBody, PushRequest, WireEvent};
use yima_registry::{PostgresStore, Rate, RateLimits, ServeOptions, SqliteStore};

fn db(reg: &TestRegistry<SqliteStore>) -> rusqlite::Connection {
    let Env::Sqlite(dir) = reg.env.as_ref() else {
        unreachable!()
    };
    rusqlite::Connection::open(dir.path().join("registry.db")).unwrap()
}

fn count(reg: &TestRegistry<SqliteStore>, table: &str) -> i64 {
    db(reg)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// An HTTP client whose connections leave from `local` (127.0.0.2 is another address on
/// the loopback network).
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(local.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

/// A signed POST of `body` to `path` by `key`, from `http`.
async fn post(
    http: &reqwest::Client,
    reg: &TestRegistry<SqliteStore>,
    key: &DeviceKey,
    path: &str,
    body: Vec<u8>,
) -> Answer {
    let auth = sign_request(
        key,
        "POST",
        path,
        now().0,
        &format!("{:032x}", rand::random::<u128>()),
        &body,
    );
    let mut req = http.post(format!("{}{path}", reg.url())).body(body);
    for (k, v) in auth.headers() {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    Answer {
        status: resp.status().as_u16(),
        retry_after: resp
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string()),
        body: resp.text().await.unwrap(),
    }
}

fn guess() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "code": yima_registry::new_code() })).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_enrolment_codes_fast_is_answered_429_with_nothing_stored() {
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s| {
            s.with_limits(RateLimits {
                enrol_per_address: Rate {
                    burst: 5,
                    per_minute: 6,
                },
                ..RateLimits::default()
            })
        },
        ServeOptions::default(),
    )
    .await;
    let http = client_from("127.0.0.1");
    let (nonces, devices) = (count(&reg, "nonces"), count(&reg, "devices"));
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let stranger = DeviceKey::from_secret(&rand::random());
        let a = post(&http, &reg, &stranger, "/v1/enrol", guess()).await;
        if a.status == 429 {
            let e: ErrorBody = serde_json::from_str(&a.body).unwrap();
            assert_eq!(e.error.kind, "too_many_requests");
            let wait = a.retry_after.expect("Retry-After header");
            assert_eq!(
                e.error.retry_after.map(|s| s.to_string()),
                Some(wait.clone())
            );
            assert!((1..=10).contains(&wait.parse::<u64>().unwrap()), "{wait}");
        }
        statuses.push(a.status);
    }
    assert_eq!(&statuses[..5], &[401; 5], "the first guesses are checked");
    assert!(
        statuses[5..].iter().all(|s| *s == 429),
        "then refused at once: {statuses:?}"
    );
    // A refused guess costs no write: only the five checked ones spent a nonce.
    assert_eq!(count(&reg, "nonces"), nonces + 5);
    assert_eq!(count(&reg, "devices"), devices);
    // Another address is not held back, and a real code still enrols from it.
    let key = DeviceKey::from_secret(&rand::random());
    let code = reg.code(&producer_code(), Role::Producer, false).await;
    let body = serde_json::to_vec(&serde_json::json!({ "code": code })).unwrap();
    let a = post(&client_from("127.0.0.2"), &reg, &key, "/v1/enrol", body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(count(&reg, "devices"), devices + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_beyond_a_keys_rate_are_answered_429_and_not_stored() {
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s| {
            s.with_limits(RateLimits {
                push_per_key: Rate {
                    burst: 3,
                    per_minute: 1,
                },
                ..RateLimits::default()
            })
        },
        ServeOptions::default(),
    )
    .await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    for seq in 1..=3 {
        let r = push(&reg, &key, &[generated(&key, seq, "x")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = push(&reg, &key, &[generated(&key, 4, "x")]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    let e: ErrorBody = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e.error.kind, "too_many_requests");
    assert_eq!(e.error.retry_after, Some(60));
    assert_eq!(reg.event_count().await, 3);
    // Another device of the same address is not held back by this key's limit.
    let other = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let r = push(&reg, &other, &[generated(&other, 5, "x")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Reads what the server sends until it closes the connection or `within` passes.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_request_whose_body_never_arrives_is_cut_off() {
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s| s.with_body_timeout(Duration::from_secs(1)),
        ServeOptions::default(),
    )
    .await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let body = serde_json::to_vec(&PushRequest {
        events: vec![WireEvent::of(&generated(&key, 1, "x"))],
        tracks: Vec::new(),
    })
    .unwrap();
    let auth = sign_request(
        &key,
        "POST",
        "/v1/events",
        now().0,
        "00112233445566778899",
        &body,
    );
    let mut head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        reg.addr,
        body.len()
    );
    for (k, v) in auth.headers() {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(reg.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // A tenth of the body, then nothing.
    stream.write_all(&body[..body.len() / 10]).await.unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("the registry cut the request off rather than wait for ever");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"timeout\""), "{answer}");
    assert_eq!(reg.event_count().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_idle_connections_do_not_block_a_normal_client_and_are_closed() {
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s| s,
        ServeOptions {
            header_timeout: Duration::from_secs(2),
            max_connections_per_address: 20,
            ..ServeOptions::default()
        },
    )
    .await;
    // One client opens 300 connections from 127.0.0.2 and sends nothing.
    let mut idle = Vec::new();
    for _ in 0..300 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new("127.0.0.2".parse().unwrap(), 0))
            .unwrap();
        idle.push(socket.connect(reg.addr).await.unwrap());
    }
    // A normal client is answered at once.
    let started = Instant::now();
    let resp = client_from("127.0.0.1")
        .get(format!("{}/v1/health", reg.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // Beyond the per-address limit the connections were closed at once...
    let mut last = idle.pop().unwrap();
    assert!(
        read_until_closed(&mut last, Duration::from_millis(500))
            .await
            .is_some(),
        "a connection over the per-address limit is closed at once"
    );
    // ...and the ones within it are closed once idle for the header timeout.
    let mut first = idle.remove(0);
    assert!(
        read_until_closed(&mut first, Duration::from_millis(500))
            .await
            .is_none(),
        "an idle connection within the limits stays open until the timeout"
    );
    assert!(
        read_until_closed(&mut first, Duration::from_secs(4))
            .await
            .is_some(),
        "an idle connection is closed after the header timeout"
    );
    let metrics = scrape(&reg).await;
    let refused = metric(&metrics, "yima_registry_connections_refused_total");
    assert!(refused >= 280.0, "{refused}");
}

/// The value of the metric line that starts with `name` (labels included).
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no metric {name} in\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_finishes_the_pushes_in_flight() {
    // Pushes take a second at this registry, so one is in flight when it is told to stop.
    let mut reg = TestRegistry::<SqliteStore>::start_with(|r| {
        r.layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| async move {
                if req.uri().path() == "/v1/events" {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                next.run(req).await
            },
        ))
    })
    .await;
    let (_dir, mut producer) = reg.producer().await;
    let reqs: Vec<_> = (0..20).map(|_| container("900-041-49", "5")).collect();
    producer.register_all(&reqs).unwrap();
    let client = reg.client();
    let pushing = tokio::spawn(async move {
        let mut report = yima_sync::SyncReport::default();
        client
            .push(&mut producer, &mut report, &mut |_| {})
            .await
            .map(|_| report)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    reg.stop.take().unwrap().send(()).unwrap();
    let report = pushing
        .await
        .unwrap()
        .expect("the push in flight is answered");
    assert_eq!(report.accepted, 20, "{report:?}");
    assert_eq!(reg.event_count().await, 20);
    tokio::time::timeout(Duration::from_secs(5), &mut reg.task)
        .await
        .expect("the server stops once its pushes are answered")
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(reg.addr).await.is_err(),
        "no new connections after the shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_the_sqlite_database_is_locked() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let ready = || async {
        let resp = reqwest::get(format!("{}/v1/ready", reg.url()))
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let retry = resp.headers().contains_key("retry-after");
        (status, retry, resp.text().await.unwrap())
    };
    assert_eq!(ready().await.0, 200);
    let conn = db(&reg);
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, retry, body) = ready().await;
    assert_eq!(status, 503, "{body}");
    assert!(retry);
    let e: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(e.error.kind, "storage");
    // Liveness is another question: the process is alive.
    let health = reqwest::get(format!("{}/v1/health", reg.url()))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(ready().await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_postgresql_refuses_connections() {
    let reg = TestRegistry::<PostgresStore>::start().await;
    let Env::Postgres(pg) = reg.env.as_ref() else {
        unreachable!()
    };
    let name = pg
        .url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (admin, conn) = tokio_postgres::connect(
        &yima_registry::testing::pg_admin_url(),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    let ready = || async {
        reqwest::get(format!("{}/v1/ready", reg.url()))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(ready().await, 200);
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();
    assert_eq!(ready().await, 503);
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    assert_eq!(ready().await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_pushed_events_and_refusals() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let big = generated(&key, 1, &"x".repeat(yima_protocol::MAX_EVENT_BYTES / 4));
    let r = push(
        &reg,
        &key,
        &[big, generated(&key, 2, "x"), generated(&key, 3, "x")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let stranger = DeviceKey::from_secret(&rand::random());
    assert_eq!(push(&reg, &stranger, &[]).await.status, 401);
    // Made-up methods are counted under one label, whatever their number.
    for m in ["FROB", "XYZZY"] {
        let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
        let r = reqwest::Client::new()
            .request(method, format!("{}/v1/events", reg.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405);
    }
    let resp = reqwest::get(format!("{}/metrics", reg.url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    let m = |name: &str| metric(&text, name);
    assert_eq!(
        m("yima_registry_requests_total{route=\"/v1/events\",method=\"POST\",status=\"200\"}"),
        1.0
    );
    assert_eq!(
        m("yima_registry_requests_total{route=\"/v1/events\",method=\"POST\",status=\"401\"}"),
        1.0
    );
    assert_eq!(
        m("yima_registry_requests_total{route=\"/v1/enrol\",method=\"POST\",status=\"200\"}"),
        1.0
    );
    assert_eq!(
        m("yima_registry_requests_total{route=\"/v1/events\",method=\"other\",status=\"405\"}"),
        2.0
    );
    assert!(!text.contains("FROB"));
    assert_eq!(m("yima_registry_events_total{outcome=\"accepted\"}"), 2.0);
    assert_eq!(m("yima_registry_events_total{outcome=\"refused\"}"), 1.0);
    assert_eq!(
        m("yima_registry_refused_events_total{reason=\"too_large\"}"),
        1.0
    );
    assert_eq!(m("yima_registry_forks_total"), 0.0);
    assert_eq!(m("yima_registry_push_duration_seconds_count"), 1.0);
    assert!(m("yima_registry_connections_open") >= 1.0);
    // A second device of the producer labels a container with the code already taken:
    // stored as a fork, and counted.
    let twin = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let r = push(&reg, &twin, &[generated(&twin, 2, "y")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("\"fork\""), "{}", r.body);
    let text = scrape(&reg).await;
    assert_eq!(metric(&text, "yima_registry_forks_total"), 1.0);
    assert_eq!(
        metric(&text, "yima_registry_events_total{outcome=\"fork\"}"),
        1.0
    );
    // An event dated a day ahead: refused, its kind in the answer and in the metrics.
    let mut body = generated(&key, 4, "x").body;
    body.at = yima_core::Timestamp(now().0 + 24 * 3_600_000);
    let r = push(&reg, &key, &[yima_core::SignedEvent::seal(body, &key)]).await;
    assert!(r.body.contains("\"refusal\":\"future\""), "{}", r.body);
    let text = scrape(&reg).await;
    let reason = |r: &str| {
        metric(
            &text,
            &format!("yima_registry_refused_events_total{{reason=\"{r}\"}}"),
        )
    };
    assert_eq!(
        (reason("future"), reason("too_large"), reason("custody")),
        (1.0, 1.0, 0.0)
    );
}

/// The registry's metrics, as a scraper reads them.
async fn scrape<S: Backend>(reg: &TestRegistry<S>) -> String {
    let resp = reqwest::get(format!("{}/metrics", reg.url()))
        .await
        .unwrap();
    resp.text().await.unwrap()
}

/// The devices `key` reads at `/v1/keys`.
async fn directory(
    reg: &TestRegistry<SqliteStore>,
    key: &DeviceKey,
) -> Vec<yima_protocol::DeviceInfo> {
    let r = crate::security::send(reg, key, "GET", "/v1/keys", Vec::new(), |_| {}).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str::<yima_protocol::KeyDirectoryPage>(&r.body)
        .unwrap()
        .devices
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_directory_shows_a_device_only_the_keys_it_needs() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    // The producer's admin device, and a device of an unrelated carrier.
    let admin = DeviceKey::from_secret(&rand::random());
    let code = reg.code(&producer_code(), Role::Producer, true).await;
    let body = serde_json::to_vec(&serde_json::json!({ "code": code })).unwrap();
    let r = crate::security::send(&reg, &admin, "POST", "/v1/enrol", body, |_| {}).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let stranger = enrolled_key(&reg, &carrier_code(), Role::Carrier).await;
    let regulator = enrolled_key(&reg, &regulator_code(), Role::Regulator).await;
    let keys = |d: &[yima_protocol::DeviceInfo]| d.iter().map(|d| d.key).collect::<Vec<_>>();

    // Before they share a container, the carrier sees its own devices and the regulators'
    // (whom every device must be able to verify), not the producer's nor its admin flag.
    let seen = directory(&reg, &stranger).await;
    assert!(!keys(&seen).contains(&admin.public()), "{seen:?}");
    assert!(seen.iter().all(|d| d.org != producer_code()), "{seen:?}");
    assert!(keys(&seen).contains(&stranger.public()));
    assert!(keys(&seen).contains(&regulator.public()));
    // The producer sees itself, with its admin flag, and the regulator.
    let seen = directory(&reg, &admin).await;
    assert!(seen.iter().any(|d| d.key == admin.public() && d.admin));
    assert!(!keys(&seen).contains(&stranger.public()));
    assert!(keys(&seen).contains(&regulator.public()));
    // Once the producer records a container in Fujian, the Fujian regulator sees its key;
    // the carrier, still no party, does not.
    let r = push(&reg, &admin, &[generated(&admin, 1, "x")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(keys(&directory(&reg, &regulator).await).contains(&admin.public()));
    assert!(!keys(&directory(&reg, &stranger).await).contains(&admin.public()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_the_rate_limits_follow_the_forwarded_client_address() {
    let reg = TestRegistry::<SqliteStore>::start_configured(
        |s| {
            s.with_limits(RateLimits {
                enrol_per_address: Rate {
                    burst: 2,
                    per_minute: 1,
                },
                ..RateLimits::default()
            })
            .with_client_ip_header(axum::http::HeaderName::from_static("x-forwarded-for"))
        },
        ServeOptions::default(),
    )
    .await;
    // Every request comes from the proxy's address (here 127.0.0.1).
    let url = reg.url();
    let attempt = |client: &'static str| {
        let url = url.clone();
        async move {
            let key = DeviceKey::from_secret(&rand::random());
            let body = guess();
            let auth = sign_request(
                &key,
                "POST",
                "/v1/enrol",
                now().0,
                "0123456789abcdef",
                &body,
            );
            let mut req = reqwest::Client::new()
                .post(format!("{url}/v1/enrol"))
                .header("x-forwarded-for", format!("203.0.113.9, {client}"))
                .body(body);
            for (k, v) in auth.headers() {
                req = req.header(k, v);
            }
            req.send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(attempt("198.51.100.1").await, 401);
    assert_eq!(attempt("198.51.100.1").await, 401);
    assert_eq!(attempt("198.51.100.1").await, 429);
    // Another client behind the same proxy is not held back; the address a client wrote
    // itself at the front of the header is not the one counted.
    assert_eq!(attempt("198.51.100.2").await, 401);
}
