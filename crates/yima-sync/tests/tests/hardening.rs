//! Cheap rejection and bounded resources (issue 12, findings 5, 7, 11): an unknown key costs
//! no write, every error is in the JSON envelope, an oversized event is refused unstored.

use crate::harness::*;
use crate::security::{enrolled_key, generated, push, send};
use yima_core::{DeviceKey, Role};
use yima_protocol::{ErrorBody, PushOutcome, PushResponse, MAX_EVENT_BYTES};
use yima_registry::SqliteStore;

fn nonces(reg: &TestRegistry<SqliteStore>) -> i64 {
    let Env::Sqlite(dir) = reg.env.as_ref() else {
        unreachable!()
    };
    let c = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
    c.query_row("SELECT count(*) FROM nonces", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_refused_before_any_write() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let stranger = DeviceKey::from_secret(&rand::random());
    let before = nonces(&reg);
    for path in ["/v1/feed", "/v1/keys"] {
        let r = send(&reg, &stranger, "GET", path, Vec::new(), |_| {}).await;
        assert_eq!(r.status, 401, "{}", r.body);
        let e: ErrorBody = serde_json::from_str(&r.body).unwrap();
        assert_eq!(e.error.kind, "unauthorized");
    }
    let r = push(&reg, &stranger, &[generated(&stranger, 1, "x")]).await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(nonces(&reg), before, "no nonce stored for an unknown key");
    assert_eq!(reg.event_count().await, 0);
    // An enrolled key's request still records its nonce (replays stay refused).
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let after_enrol = nonces(&reg);
    let r = send(&reg, &key, "GET", "/v1/feed", Vec::new(), |_| {}).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(nonces(&reg), after_enrol + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_queries_and_unknown_routes_answer_in_the_json_envelope() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    for (path, status, kind) in [
        ("/v1/feed?after=x", 400, "bad_request"),
        ("/v1/feed?limit=-1", 400, "bad_request"),
        ("/v1/nowhere", 404, "not_found"),
    ] {
        let r = send(&reg, &key, "GET", path, Vec::new(), |_| {}).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let e: ErrorBody = serde_json::from_str(&r.body)
            .unwrap_or_else(|e| panic!("{path}: not the JSON envelope ({e}): {}", r.body));
        assert_eq!(e.error.kind, kind, "{path}");
    }
    let r = send(&reg, &key, "GET", "/v1/events", Vec::new(), |_| {}).await;
    assert_eq!(r.status, 405, "{}", r.body);
    let e: ErrorBody = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e.error.kind, "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_event_is_refused_and_not_stored() {
    let reg = TestRegistry::<SqliteStore>::start().await;
    let key = enrolled_key(&reg, &producer_code(), Role::Producer).await;
    let big = generated(&key, 1, &"x".repeat(MAX_EVENT_BYTES / 4));
    let small = generated(&key, 2, "x");
    let r = push(&reg, &key, &[big, small]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answer: PushResponse = serde_json::from_str(&r.body).unwrap();
    assert_eq!(answer.results[0].outcome, PushOutcome::Refused);
    assert!(
        answer.results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("event too large"),
        "{:?}",
        answer.results[0]
    );
    assert_eq!(answer.results[1].outcome, PushOutcome::Accepted);
    assert_eq!(reg.event_count().await, 1, "only the small event is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_client_waits_as_long_as_retry_after_asks() {
    use axum::extract::Request;
    use axum::middleware::{self, Next};
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    // The first push is answered 429 with Retry-After: 1 (the backoff alone is milliseconds).
    let refused = Arc::new(AtomicUsize::new(0));
    let counter = refused.clone();
    let reg = TestRegistry::<SqliteStore>::start_with(move |r| {
        r.layer(middleware::from_fn(move |req: Request, next: Next| {
            let counter = counter.clone();
            async move {
                if req.uri().path() == "/v1/events" && counter.fetch_add(1, Ordering::SeqCst) == 0
                {
                    return (
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        [(axum::http::header::RETRY_AFTER, "1")],
                        "{\"error\":{\"kind\":\"rate_limited\",\"message\":\"slow down\",\"retry_after\":1}}",
                    )
                        .into_response();
                }
                next.run(req).await
            }
        }))
    })
    .await;
    let (_p, mut producer) = reg.producer().await;
    producer
        .register_all(&[container("900-041-49", "5")])
        .unwrap();
    let started = std::time::Instant::now();
    let report = reg.client().sync(&mut producer, &mut |_| {}).await.unwrap();
    assert!(refused.load(Ordering::SeqCst) >= 2);
    assert_eq!(report.accepted, 1);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(950),
        "retried after {:?}, before the registry's Retry-After",
        started.elapsed()
    );
}
