//! The carrier's route through the registry: the fixes go beside the receipt that signs
//! their digest, the registry keeps them, and whoever reads the receipt in the feed (the
//! receiver, a regulator) gets them and sees the route verified. An insider with a valid
//! key who pushes fixes that are not the signed route, or another organisation pushing
//! fixes for the carrier's event, is refused with nothing stored.

use crate::harness::*;
use crate::lineage::{insider, send};
use yima_codes::LabelCode;
use yima_core::{
    track_digest, Actor, DeviceKey, EventBody, EventKind, Fix, Link, Role, SignedEvent, Timestamp,
    EVENT_FORMAT_VERSION,
};
use yima_device::RouteVerdict;
use yima_protocol::{PushOutcome, PushRequest, PushResponse, RefusalKind, TrackFixes, WireEvent};

/// A container the producer dispatched and the carrier picked up; the pickup's time.
async fn picked_up<S: Backend>(
    reg: &TestRegistry<S>,
    producer: &mut Dev,
    carrier: &mut Dev,
) -> (LabelCode, Timestamp) {
    let code = dispatched_drum(producer, "20");
    hand_over(producer, carrier, std::slice::from_ref(&code), pickup());
    let at = carrier.history(&code).unwrap().last().unwrap().at;
    for dev in [producer, carrier] {
        let r = sync(reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    (code, at)
}

/// Fixes just after `from`, all in the past by now.
async fn fixes_after(from: Timestamp, n: i64) -> Vec<Fix> {
    tokio::time::sleep(std::time::Duration::from_millis(n as u64 * 2 + 20)).await;
    (1..=n)
        .map(|i| Fix {
            at: Timestamp(from.0 + i),
            lat_e7: 260_745_000 + i as i32 * 1000,
            lon_e7: 1_192_965_000 + i as i32 * 700,
            accuracy_m: Some(6),
        })
        .collect()
}

async fn track_rows<S: Backend>(reg: &TestRegistry<S>) -> i64 {
    count_sql(reg, "SELECT count(*) FROM track_fixes").await
}

crate::on_both_backends!(the_route_reaches_the_receiver_and_the_regulator_verified);
async fn the_route_reaches_the_receiver_and_the_regulator_verified<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (_r, mut receiver) = reg.receiver().await;
    let (code, picked) = picked_up(&reg, &mut producer, &mut carrier).await;
    let fixes = fixes_after(picked, 4).await;
    assert_eq!(carrier.record_fixes(&manifest().number, &fixes).unwrap(), 4);
    hand_over(
        &mut carrier,
        &mut receiver,
        std::slice::from_ref(&code),
        receive(),
    );
    // The receiver syncs first: it pushes the receipt (no fixes: not its route to send).
    let r = sync(&reg, &mut receiver).await;
    assert_eq!((r.refused, r.tracks_sent), (0, 0), "{r:?}");
    assert_eq!(track_rows(&reg).await, 0);
    // The carrier pushes it again with the fixes beside it: a duplicate, its fixes kept.
    let r = sync(&reg, &mut carrier).await;
    assert_eq!(
        (r.refused, r.tracks_sent, r.tracks_refused),
        (0, 1, 0),
        "{r:?}"
    );
    assert_eq!(track_rows(&reg).await, 4);
    // The receiver held the receipt already; it learns the fixes from a fresh device of its
    // organisation, and a regulator reads them too.
    let (_r2, mut receiver2) = reg
        .device(&receiver_code(), "接收站二号机", Role::Receiver, None)
        .await;
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    for dev in [&mut receiver2, &mut regulator] {
        sync(&reg, dev).await;
        let routes = dev.routes(&code).unwrap();
        assert_eq!(routes.len(), 1, "{routes:?}");
        assert_eq!(routes[0].verdict, RouteVerdict::Verified, "{routes:?}");
        assert_eq!(routes[0].fixes.len(), 4);
        assert_eq!(routes[0].carrier, carrier_code().to_string());
        let r = dev.verify(None).unwrap();
        assert!(r.ok(), "{:#?}", r.failures);
    }
    assert_eq!(
        carrier.routes(&code).unwrap()[0].verdict,
        RouteVerdict::Verified
    );
}

/// `key` pushes `events` with `tracks` beside them.
async fn push_tracks<S: Backend>(
    reg: &TestRegistry<S>,
    key: &DeviceKey,
    events: &[SignedEvent],
    tracks: Vec<TrackFixes>,
) -> PushResponse {
    let body = serde_json::to_vec(&PushRequest {
        events: events.iter().map(WireEvent::of).collect(),
        tracks,
    })
    .unwrap();
    let (status, text) = send(reg, key, "POST", "/v1/events", body).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

crate::on_both_backends!(fixes_not_the_signed_route_or_not_the_pushers_are_refused);
async fn fixes_not_the_signed_route_or_not_the_pushers_are_refused<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (code, picked) = picked_up(&reg, &mut producer, &mut carrier).await;
    let head: yima_core::EventId = carrier
        .history(&code)
        .unwrap()
        .last()
        .unwrap()
        .id
        .parse()
        .unwrap();
    // Insiders with valid keys: one of the carrier's, one of the receiver's.
    let c_key = insider(&reg, &carrier_code(), Role::Carrier).await;
    let r_key = insider(&reg, &receiver_code(), Role::Receiver).await;
    let fixes = fixes_after(picked, 3).await;
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at: now(),
        by: Actor {
            org: receiver_code(),
            role: Role::Receiver,
            key: r_key.public(),
        },
        composer: c_key.public(),
        event: EventKind::Received {
            giver: Actor {
                org: carrier_code(),
                role: Role::Carrier,
                key: c_key.public(),
            },
            manifest: manifest().number,
        },
        links: vec![Link {
            container: code.clone(),
            prev: Some(head),
        }],
        location: None,
        operator: None,
        track: Some(track_digest(&fixes)),
        seq: 1,
    };
    let mut receipt = SignedEvent::seal(body, &c_key);
    receipt.countersign(&r_key);
    let track = |fixes: Vec<Fix>| {
        vec![TrackFixes {
            event: receipt.id,
            fixes,
        }]
    };
    let stored = reg.event_count().await;

    // The receiver's insider pushes the carrier's route: the receipt is its to push, the
    // route is not.
    let answer = push_tracks(&reg, &r_key, &[receipt.clone()], track(fixes.clone())).await;
    assert_eq!(
        answer.results[0].outcome,
        PushOutcome::Accepted,
        "{answer:?}"
    );
    assert!(!answer.tracks[0].stored);
    assert_eq!(answer.tracks[0].refusal, Some(RefusalKind::Scope));
    assert_eq!(track_rows(&reg).await, 0);
    assert_eq!(reg.event_count().await, stored + 1);

    // The carrier's insider pushes fixes that are not the signed route (one moved).
    let mut moved = fixes.clone();
    moved[1].lat_e7 += 10;
    let answer = push_tracks(&reg, &c_key, &[receipt.clone()], track(moved)).await;
    assert_eq!(
        answer.results[0].outcome,
        PushOutcome::Duplicate,
        "{answer:?}"
    );
    assert!(!answer.tracks[0].stored);
    assert_eq!(answer.tracks[0].refusal, Some(RefusalKind::Track));
    assert_eq!(track_rows(&reg).await, 0);
    // Fewer fixes than signed, too.
    let answer = push_tracks(&reg, &c_key, &[receipt.clone()], track(fixes[..2].to_vec())).await;
    assert_eq!(answer.tracks[0].refusal, Some(RefusalKind::Track));
    // Fixes for an event not in the push.
    let answer = push_tracks(&reg, &c_key, &[], track(fixes.clone())).await;
    assert_eq!(answer.tracks[0].refusal, Some(RefusalKind::Track));
    assert_eq!(track_rows(&reg).await, 0);

    // The route as signed, by the carrier: kept.
    let answer = push_tracks(&reg, &c_key, &[receipt.clone()], track(fixes.clone())).await;
    assert!(answer.tracks[0].stored, "{answer:?}");
    assert_eq!(track_rows(&reg).await, 3);
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    sync(&reg, &mut regulator).await;
    let routes = regulator.routes(&code).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::Verified, "{routes:?}");
}
