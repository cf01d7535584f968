//! Lost responses, a registry killed mid-push, many devices at once: nothing lost or doubled.

use crate::harness::*;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yima_core::Role;

crate::on_both_backends!(responses_lost_after_commit_are_resent_without_duplicates);
async fn responses_lost_after_commit_are_resent_without_duplicates<S: Backend>() {
    // The first three push answers are lost after the registry committed them.
    let lost = Arc::new(AtomicUsize::new(0));
    let counter = lost.clone();
    let reg = TestRegistry::<S>::start_with(move |r| {
        r.layer(middleware::from_fn(move |req: Request, next: Next| {
            let counter = counter.clone();
            async move {
                let push = req.uri().path() == "/v1/events";
                let resp: Response = next.run(req).await;
                if push && counter.fetch_add(1, Ordering::SeqCst) < 3 {
                    return axum::http::StatusCode::BAD_GATEWAY.into_response();
                }
                resp
            }
        }))
    })
    .await;
    let (_p, mut producer) = reg.producer().await;
    let reqs: Vec<_> = (0..30).map(|_| container("900-041-49", "5")).collect();
    producer.register_all(&reqs).unwrap();
    let client = yima_sync::Registry::new(
        &reg.url(),
        yima_sync::SyncOptions {
            batch: 10,
            ..fast_options()
        },
    )
    .unwrap();
    let report = client.sync(&mut producer, &mut |_| {}).await.unwrap();
    assert!(lost.load(Ordering::SeqCst) >= 3);
    assert_eq!(report.accepted, 30);
    assert_eq!(reg.event_count().await, 30, "every event once");
    assert_eq!(producer.outbox_counts().unwrap().pending, 0);
}

crate::on_both_backends!(registry_killed_mid_push_and_restarted_loses_nothing);
async fn registry_killed_mid_push_and_restarted_loses_nothing<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let reqs: Vec<_> = (0..400).map(|_| container("900-041-49", "5")).collect();
    producer.register_all(&reqs).unwrap();

    let addr = reg.addr;
    let url = reg.url();
    let TestRegistry {
        env, task, state, ..
    } = reg;
    drop(state);
    // Kill the registry after its first answers, then bring it back on the same port.
    let restarter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        task.abort();
        let _ = task.await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        TestRegistry::<S>::start_in(env, Some(addr), |r| r).await
    });
    let client = yima_sync::Registry::new(
        &url,
        yima_sync::SyncOptions {
            batch: 20,
            ..fast_options()
        },
    )
    .unwrap();
    let mut seen = Vec::new();
    let report = client
        .sync(&mut producer, &mut |p| seen.push(p.done))
        .await
        .unwrap();
    let back = restarter.await.unwrap();
    assert_eq!(report.accepted, 400);
    assert_eq!(back.event_count().await, 400);
    assert_eq!(producer.outbox_counts().unwrap().pending, 0);
    assert!(seen.len() > 2, "progress is reported as batches go");
}

crate::on_both_backends!(a_hundred_devices_sync_at_once);
async fn a_hundred_devices_sync_at_once<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let mut devices = Vec::new();
    for i in 0..100u16 {
        let block = format!("{}-{}", i * 9 + 1, i * 9 + 9);
        devices.push(
            reg.device(
                &producer_code(),
                "福州示例化工有限公司",
                Role::Producer,
                Some(&block),
            )
            .await,
        );
    }
    for (_, d) in &mut devices {
        d.register_all(&[container("900-041-49", "5"), container("900-041-49", "6")])
            .unwrap();
    }
    let url = reg.url();
    let mut tasks = Vec::new();
    for (dir, mut d) in devices {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = yima_sync::Registry::new(&url, fast_options()).unwrap();
            let r = client.sync(&mut d, &mut |_| {}).await;
            (dir, r)
        }));
    }
    let all = tokio::time::timeout(Duration::from_secs(240), async {
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    })
    .await
    .expect("100 syncs finish within 4 minutes");
    for (_, r) in &all {
        let r = r.as_ref().expect("no sync errors");
        assert_eq!(r.accepted, 2);
    }
    assert_eq!(reg.event_count().await, 200);
}
