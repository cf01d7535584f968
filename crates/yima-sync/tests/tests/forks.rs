//! Forks, revoked keys and late arrivals (issue 12, finding 3): a fork is kept by every
//! device and stops nobody's sync, a revoked key cannot slip an event in before its
//! revocation, and events that arrive long after their date are flagged.

use crate::harness::*;
use crate::lineage::{event, follows, generate, insider, push_as, push_results, weighed};
use yima_codes::{BatchCode, BatchKind, LabelCode};
use yima_core::{
    Actor, ContainerState, DeviceKey, EventBody, EventKind, FailureKind, Quantity, Role,
    SignedEvent, Unit, EVENT_FORMAT_VERSION,
};
use yima_device::{Action, ActionRequest};
use yima_protocol::{PushOutcome, RefusalKind};

fn req(codes: &[LabelCode], action: Action) -> ActionRequest {
    ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    }
}

crate::on_both_backends!(a_fork_is_kept_by_every_party_and_stops_no_sync);
async fn a_fork_is_kept_by_every_party_and_stops_no_sync<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    // Two devices of one producer set up without a sequence block: the registry gives each
    // its own at enrolment, so they no longer draw the same first code (which forked).
    let (_p1, mut first) = reg.producer().await;
    let (_p2, mut second) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (_r, mut receiver) = reg.receiver().await;
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    let code = first.register(&container("900-041-49", "25")).unwrap().code;
    let other = second
        .register(&container("900-041-49", "30"))
        .unwrap()
        .code;
    assert_ne!(code, other, "each device draws from its own block");
    first
        .record(&req(std::slice::from_ref(&code), weighing("25")))
        .unwrap();
    first
        .record(&req(
            std::slice::from_ref(&code),
            Action::Dispatch {
                manifest: manifest(),
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();

    let r = sync(&reg, &mut first).await;
    assert_eq!(r.accepted, 3, "{r:?}");
    // A fork however it arises: another key of the producer generates the same code.
    let forger = insider(&reg, &producer_code(), Role::Producer).await;
    let twin = generate(&forger, code.sequence(), "30");
    assert_eq!(twin.body.links[0].container, code);
    let r = push_as(&reg, &forger, &[twin]).await;
    assert_eq!(r[0].0, PushOutcome::Fork, "{r:?}");
    // Every party and the province's regulator syncs, each more than once.
    for _ in 0..2 {
        for dev in [
            &mut first,
            &mut second,
            &mut carrier,
            &mut receiver,
            &mut regulator,
        ] {
            reg.client()
                .sync(dev, &mut |_| {})
                .await
                .expect("a fork stops no sync");
        }
    }
    // Each keeps both branches, flagged in verification and on the timeline.
    for dev in [
        &mut first,
        &mut second,
        &mut carrier,
        &mut receiver,
        &mut regulator,
    ] {
        let history = dev.history(&code).unwrap();
        assert!(
            history
                .iter()
                .filter(|h| h.step == yima_core::Step::Generated)
                .count()
                == 2,
            "both generating events kept: {history:?}"
        );
        let v = dev.verify(Some(&code)).unwrap();
        assert!(
            v.failures.iter().any(|f| f.kind == FailureKind::Fork),
            "the fork is flagged: {v:?}"
        );
        let timeline = dev.timeline(&code).unwrap();
        assert!(
            timeline
                .steps
                .iter()
                .any(|s| s.problems.iter().any(|(k, _)| k == "fork")),
            "the timeline marks it"
        );
    }
    // The chain first accepted goes on: the carrier can see the dispatch it is named on.
    assert_eq!(
        carrier.container(&code).unwrap().state,
        ContainerState::Dispatched
    );
}

fn signed_by(body: EventBody, keys: &[&DeviceKey]) -> SignedEvent {
    let mut e = SignedEvent::unsigned(body);
    for k in keys {
        e.countersign(k);
    }
    e
}

crate::on_both_backends!(a_revoked_key_cannot_slip_a_pickup_in_before_its_dispatch);
async fn a_revoked_key_cannot_slip_a_pickup_in_before_its_dispatch<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let p = insider(&reg, &producer_code(), Role::Producer).await;
    let c = insider(&reg, &carrier_code(), Role::Carrier).await;
    const MIN: i64 = 60_000;
    let t = now();
    let mut g = generate(&p, 1, "20");
    g = {
        let mut body = g.body.clone();
        body.at = yima_core::Timestamp(t.0 - 120 * MIN);
        SignedEvent::seal(body, &p)
    };
    let code = g.body.links[0].container.clone();
    let day = g.body.at.china_date();
    let w = weighed(&p, 2, &code, &g, yima_core::Timestamp(t.0 - 90 * MIN));
    let mut dispatch = event(
        &p,
        3,
        EventKind::Dispatched {
            batch: BatchCode::new(BatchKind::OutOfStore, day, 1).unwrap(),
            facility_code: "WS-01".into(),
            manifest: manifest(),
            outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, 1).unwrap(),
        },
        vec![follows(&code, &w)],
    )
    .body;
    dispatch.at = yima_core::Timestamp(t.0 - 60 * MIN);
    let dispatch = SignedEvent::seal(dispatch, &p);
    let r = push_as(&reg, &p, &[g, w, dispatch.clone()]).await;
    assert!(r.iter().all(|(o, _)| *o == PushOutcome::Accepted), "{r:?}");
    // The carrier's key is revoked now.
    reg.state.store.revoke(c.public(), now()).await.unwrap();
    let stored = reg.event_count().await;

    let pickup = |at: i64| {
        signed_by(
            EventBody {
                v: EVENT_FORMAT_VERSION,
                at: yima_core::Timestamp(at),
                by: Actor {
                    org: carrier_code(),
                    role: Role::Carrier,
                    key: c.public(),
                },
                composer: c.public(),
                event: EventKind::PickedUp {
                    driver: "陈师傅".into(),
                    giver: Actor {
                        org: producer_code(),
                        role: Role::Producer,
                        key: p.public(),
                    },
                    manifest: manifest().number,
                    permit: "350100000001".into(),
                    vehicle_plate: "闽A·D1234".into(),
                },
                links: vec![follows(&code, &dispatch)],
                location: None,
                operator: None,
                track: None,
                seq: 1,
            },
            &[&c, &p],
        )
    };
    // Dated after the revocation: refused for the revocation.
    let r = push_results(&reg, &p, &[pickup(now().0 + MIN)]).await;
    assert_eq!(r[0].refusal, Some(RefusalKind::Revoked), "{r:?}");
    // Dated before the revocation, but half an hour before the dispatch it follows.
    let r = push_results(&reg, &p, &[pickup(t.0 - 90 * MIN)]).await;
    assert_eq!(r[0].refusal, Some(RefusalKind::Custody), "{r:?}");
    let reason = r[0].reason.as_deref().unwrap_or_default();
    assert!(reason.contains("before the event it follows"), "{r:?}");
    assert_eq!(reg.event_count().await, stored, "nothing stored");
}

crate::on_both_backends!(events_dated_long_before_their_arrival_are_flagged_for_the_regulator);
async fn events_dated_long_before_their_arrival_are_flagged_for_the_regulator<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let key = insider(&reg, &producer_code(), Role::Producer).await;
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    // One event held back (or dated back) twenty days, one pushed at once.
    let old = {
        let mut body = generate(&key, 1, "20").body;
        body.at = yima_core::Timestamp(now().0 - 20 * 24 * 3_600_000);
        SignedEvent::seal(body, &key)
    };
    let fresh = generate(&key, 2, "20");
    let r = push_as(&reg, &key, &[old.clone(), fresh.clone()]).await;
    assert!(r.iter().all(|(o, _)| *o == PushOutcome::Accepted), "{r:?}");
    sync(&reg, &mut regulator).await;
    let late = regulator.history(&old.body.links[0].container).unwrap();
    assert!(late[0].arrived_late, "{late:?}");
    assert!(late[0].arrived_at.is_some());
    let on_time = regulator.history(&fresh.body.links[0].container).unwrap();
    assert!(!on_time[0].arrived_late, "{on_time:?}");
}

crate::on_both_backends!(a_fork_breaking_the_rules_is_kept_unapplied_and_stops_no_sync);
async fn a_fork_breaking_the_rules_is_kept_unapplied_and_stops_no_sync<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let p = insider(&reg, &producer_code(), Role::Producer).await;
    let (_p2, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;
    let g = generate(&p, 1, "20");
    let code = g.body.links[0].container.clone();
    let day = g.body.at.china_date();
    let w = weighed(&p, 2, &code, &g, now());
    let dispatch = event(
        &p,
        3,
        EventKind::Dispatched {
            batch: BatchCode::new(BatchKind::OutOfStore, day, 1).unwrap(),
            facility_code: "WS-01".into(),
            manifest: manifest(),
            outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, 1).unwrap(),
        },
        vec![follows(&code, &w)],
    );
    // A producer "accepting" its own container after its generation: a fork (the weighing
    // holds that place) that the state table forbids. The registry stores forks unapplied.
    let bad = event(
        &p,
        4,
        EventKind::Accepted {
            quantity: Quantity::parse("20", Unit::Kg).unwrap(),
        },
        vec![follows(&code, &g)],
    );
    let r = push_as(&reg, &p, &[g, w, dispatch, bad.clone()]).await;
    assert_eq!(r[3].0, PushOutcome::Fork, "{r:?}");
    for dev in [&mut producer, &mut carrier, &mut regulator] {
        for _ in 0..2 {
            reg.client()
                .sync(dev, &mut |_| {})
                .await
                .expect("a rule-breaking fork stops no sync");
        }
        let history = dev.history(&code).unwrap();
        assert!(history.iter().any(|h| h.id == bad.id.to_string()), "kept");
        let v = dev.verify(Some(&code)).unwrap();
        assert!(
            v.failures.iter().any(|f| f.event == bad.id),
            "flagged: {v:?}"
        );
        assert_eq!(
            dev.container(&code).unwrap().state,
            ContainerState::Dispatched,
            "the chain followed is the dispatch's"
        );
    }
}
