//! Two pushes in flight: a batch that chains on an unanswered push waits for its answer.

use crate::harness::*;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yima_core::EventId;
use yima_device::{Action, ActionRequest};
use yima_protocol::PushRequest;

/// What the registry saw of the pushes: the events of unanswered ones, the most unanswered
/// at once, and events that arrived while the event they chain on was still unanswered.
#[derive(Default)]
struct Seen {
    open: Vec<HashSet<EventId>>,
    most_open: usize,
    early: Vec<EventId>,
}

crate::on_both_backends!(a_chain_across_batches_syncs_with_nothing_deferred);
async fn a_chain_across_batches_syncs_with_nothing_deferred<S: Backend>() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let watch = seen.clone();
    let reg = TestRegistry::<S>::start_with(move |r| {
        r.layer(middleware::from_fn(move |req: Request, next: Next| {
            let seen = watch.clone();
            async move {
                if req.uri().path() != "/v1/events" {
                    return next.run(req).await;
                }
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                let push: PushRequest = serde_json::from_slice(&bytes).unwrap();
                let ids: HashSet<EventId> = push.events.iter().map(|e| e.id).collect();
                {
                    let mut s = seen.lock().unwrap();
                    for e in &push.events {
                        let body = yima_core::decode(e.body.as_bytes()).unwrap();
                        for prev in body.links.iter().filter_map(|l| l.prev) {
                            if s.open.iter().any(|open| open.contains(&prev)) {
                                s.early.push(e.id);
                            }
                        }
                    }
                    s.open.push(ids.clone());
                    s.most_open = s.most_open.max(s.open.len());
                }
                // Long enough for the client to send whatever it would send meanwhile.
                tokio::time::sleep(Duration::from_millis(60)).await;
                let resp: Response = next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                seen.lock().unwrap().open.retain(|open| *open != ids);
                resp
            }
        }))
    })
    .await;
    let (_p, mut producer) = reg.producer().await;
    // register a, store a, register b, store b, …: in batches of three, every other batch
    // chains on the one before, the rest chain on nothing unanswered.
    for _ in 0..12 {
        let code = producer
            .register(&container("900-041-49", "5"))
            .unwrap()
            .code;
        producer
            .record(&ActionRequest {
                codes: vec![code],
                action: Action::Store {
                    facility_code: "WS-01".into(),
                },
                at: None,
                location: None,
            })
            .unwrap();
    }
    let client = yima_sync::Registry::new(
        &reg.url(),
        yima_sync::SyncOptions {
            batch: 3,
            ..fast_options()
        },
    )
    .unwrap();
    let report = client.sync(&mut producer, &mut |_| {}).await.unwrap();
    {
        let seen = seen.lock().unwrap();
        assert!(seen.early.is_empty(), "sent before its prev was answered");
        assert_eq!(seen.most_open, 2, "independent batches go two at a time");
    }
    assert_eq!(report.deferred, 0);
    assert_eq!(report.accepted, 24);
    assert_eq!(reg.event_count().await, 24);
    assert_eq!(producer.outbox_counts().unwrap().pending, 0);
}
