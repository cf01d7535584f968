//! The whole story across producer, carrier, receiver and regulator, through the registry.

use crate::harness::*;
use yima_core::{FailureKind, Role};
use yima_device::{Action, ActionRequest, HandoverStep};

fn req(codes: &[yima_codes::LabelCode], action: Action) -> ActionRequest {
    ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    }
}

/// Two containers (25 kg, 180 kg) registered, stored, weighed and dispatched under
/// [`manifest`].
fn stored_and_dispatched(producer: &mut Dev) -> Vec<yima_codes::LabelCode> {
    let a = producer
        .register(&container("900-041-49", "25"))
        .unwrap()
        .code;
    let b = producer
        .register(&container("900-249-08", "180"))
        .unwrap()
        .code;
    let both = vec![a, b];
    producer
        .record(&req(
            &both,
            Action::Store {
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();
    for (code, kg) in both.iter().zip(["25", "180"]) {
        producer
            .record(&req(std::slice::from_ref(code), weighing(kg)))
            .unwrap();
    }
    producer
        .record(&req(
            &both,
            Action::Dispatch {
                manifest: manifest(),
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();
    both
}

/// The producer device of the standard organisations, enrolled.
async fn producer<S: Backend>(reg: &TestRegistry<S>) -> (tempfile::TempDir, Dev) {
    reg.producer().await
}

/// A producer and a carrier device, enrolled.
async fn producer_and_carrier<S: Backend>(
    reg: &TestRegistry<S>,
) -> ((tempfile::TempDir, Dev), (tempfile::TempDir, Dev)) {
    let p = producer(reg).await;
    let c = reg.carrier().await;
    (p, c)
}

/// The pickup of the story's manifest, by its usual vehicle and driver.
/// Phone to phone, offline: the producer's pickup offer as a QR text, the containers'
/// label texts, and the carrier's acceptance (the producer has not confirmed yet).
fn pickup_over_qr(
    producer: &mut Dev,
    carrier: &mut Dev,
    codes: &[yima_codes::LabelCode],
) -> yima_device::QrAcceptance {
    let offer = producer
        .offer_handover_qr(
            codes,
            &carrier.identity().unwrap(),
            pickup(),
            None,
            Some("福州市仓山区".into()),
        )
        .unwrap()
        .to_text();
    let labels: Vec<String> = codes
        .iter()
        .map(|c| producer.label_payload(c).unwrap().1.to_text())
        .collect();
    carrier.accept_handover_qr(&offer, &labels).unwrap()
}

crate::on_both_backends!(custody_story_reaches_every_party_and_verifies);
async fn custody_story_reaches_every_party_and_verifies<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let ((_p, mut producer), (_c, mut carrier)) = producer_and_carrier(&reg).await;
    let (_r, mut receiver) = reg.receiver().await;
    let (_g, mut regulator) = reg
        .device(&regulator_code(), "福建省生态环境厅", Role::Regulator, None)
        .await;

    let both = stored_and_dispatched(&mut producer);
    let a = both[0].clone();
    let r = sync(&reg, &mut producer).await;
    assert_eq!((r.accepted, r.refused, r.deferred), (6, 0, 0));

    // The carrier sees the containers once the manifest names it.
    sync(&reg, &mut carrier).await;
    assert_eq!(
        carrier.container(&a).unwrap().state,
        yima_core::ContainerState::Dispatched
    );

    let offer = producer
        .offer_handover(&both, &carrier.identity().unwrap(), pickup(), None, None)
        .unwrap();
    let ack = carrier.accept_handover(&offer).unwrap();
    producer.confirm_handover(&ack).unwrap();
    // Both hold the dual-signed event; whichever pushes second is told it is a duplicate.
    let first = sync(&reg, &mut carrier).await;
    let second = sync(&reg, &mut producer).await;
    assert_eq!(first.accepted + second.accepted, 2);
    assert_eq!(reg.event_count().await, 7);
    assert_eq!(producer.outbox_counts().unwrap().pending, 0);
    assert_eq!(carrier.outbox_counts().unwrap().pending, 0);

    let offer = carrier
        .offer_handover(
            &both,
            &receiver.identity().unwrap(),
            HandoverStep::Receive {
                manifest: manifest().number,
            },
            None,
            None,
        )
        .unwrap();
    let ack = receiver.accept_handover(&offer).unwrap();
    carrier.confirm_handover(&ack).unwrap();
    receiver
        .record(&req(
            std::slice::from_ref(&a),
            Action::Accept { quantity: None },
        ))
        .unwrap();
    receiver
        .record(&req(
            std::slice::from_ref(&a),
            Action::Dispose {
                mode: None,
                method: "D10".into(),
                completed_at: None,
            },
        ))
        .unwrap();
    sync(&reg, &mut receiver).await;
    sync(&reg, &mut carrier).await;
    sync(&reg, &mut producer).await;
    let r = sync(&reg, &mut regulator).await;
    assert_eq!(
        r.pulled, 10,
        "the regulator of Fujian sees every event of these containers"
    );
    assert_eq!(reg.event_count().await, 10);

    for dev in [&mut producer, &mut carrier, &mut receiver, &mut regulator] {
        let v = dev.verify(None).unwrap();
        assert!(v.ok, "{:?}", v.failures);
    }
    // The producer learned what the receiver did with its waste.
    assert_eq!(
        producer.container(&a).unwrap().state,
        yima_core::ContainerState::Disposed
    );
}

crate::on_both_backends!(fork_is_kept_and_flagged_on_both_devices);
async fn fork_is_kept_and_flagged_on_both_devices<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_a, mut one) = reg
        .device(
            &producer_code(),
            "福州示例化工有限公司",
            Role::Producer,
            Some("1-499"),
        )
        .await;
    let (_b, mut two) = reg
        .device(
            &producer_code(),
            "福州示例化工有限公司",
            Role::Producer,
            Some("500-999"),
        )
        .await;
    let code = one.register(&container("900-041-49", "25")).unwrap().code;
    sync(&reg, &mut one).await;
    sync(&reg, &mut two).await;
    assert_eq!(two.container(&code).unwrap().events, 1);

    // Both offline, each records a different next step for the same container.
    one.record(&req(
        std::slice::from_ref(&code),
        Action::Store {
            facility_code: "WS-01".into(),
        },
    ))
    .unwrap();
    two.record(&req(
        std::slice::from_ref(&code),
        Action::Void {
            reason: "labelled twice".into(),
            quantity: None,
        },
    ))
    .unwrap();
    let r1 = sync(&reg, &mut one).await;
    let r2 = sync(&reg, &mut two).await;
    assert_eq!((r1.accepted, r1.forks), (1, 0));
    assert_eq!((r2.accepted, r2.forks), (0, 1));
    sync(&reg, &mut one).await;
    assert_eq!(
        reg.event_count().await,
        3,
        "the fork is stored, not dropped"
    );

    for dev in [&mut one, &mut two] {
        let v = dev.verify(Some(&code)).unwrap();
        let forks: Vec<_> = v
            .failures
            .iter()
            .filter(|f| f.kind == FailureKind::Fork)
            .collect();
        assert_eq!(forks.len(), 1, "{:?}", v.failures);
    }
}

crate::on_both_backends!(qr_handover_taker_syncs_first_and_both_copies_are_one_event);
async fn qr_handover_taker_syncs_first_and_both_copies_are_one_event<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let ((_p, mut producer), (_c, mut carrier)) = producer_and_carrier(&reg).await;
    // Offline from here: the producer labels, stores and dispatches; nothing is synced.
    let both = stored_and_dispatched(&mut producer);
    let a = both[0].clone();

    // Phone to phone: the offer QR, the labels, the acknowledgement QR.
    let taken = pickup_over_qr(&mut producer, &mut carrier, &both);
    assert_eq!(taken.without_history.len(), 2);
    let confirmed = producer.confirm_handover_qr(&taken.ack_text).unwrap();
    assert_eq!(confirmed.id, taken.event.id);
    let v = carrier.verify(None).unwrap();
    assert!(v.ok, "{:?}", v.failures);
    assert_eq!(v.without_history, both);

    // The carrier finds a network first: its copy waits for the history it follows.
    let first = sync(&reg, &mut carrier).await;
    assert_eq!((first.accepted, first.deferred, first.refused), (0, 1, 0));
    assert_eq!(carrier.outbox_counts().unwrap().pending, 1);
    // The producer syncs: its history and its copy of the handover are accepted.
    let second = sync(&reg, &mut producer).await;
    assert_eq!((second.accepted, second.refused), (7, 0));
    // The carrier again: its copy is recognised as the same event, and the history arrives.
    let third = sync(&reg, &mut carrier).await;
    assert_eq!((third.accepted, third.deferred, third.refused), (1, 0, 0));
    assert_eq!(carrier.outbox_counts().unwrap().pending, 0);
    assert_eq!(reg.event_count().await, 7, "one handover event, not two");
    let v = carrier.verify(None).unwrap();
    assert!(v.ok, "{:?}", v.failures);
    assert!(v.without_history.is_empty(), "{:?}", v.without_history);
    let view = carrier.container(&a).unwrap();
    assert_eq!(view.state, yima_core::ContainerState::InTransit);
    assert_eq!(
        view.events, 5,
        "generated, stored, weighed, dispatched, picked up"
    );
    assert_eq!(
        view.label.container_type, "200L 钢桶",
        "the full label, from history"
    );
}

crate::on_both_backends!(a_regulator_registered_later_sees_the_history_of_its_jurisdiction);
async fn a_regulator_registered_later_sees_the_history_of_its_jurisdiction<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = producer(&reg).await;
    let both = stored_and_dispatched(&mut producer);
    let r = sync(&reg, &mut producer).await;
    assert_eq!(r.accepted, 6);

    // Two city regulators registered afterwards: Fuzhou (the producer's city) and Xiamen.
    let mut devices = Vec::new();
    for (first17, name, jurisdiction) in [
        ("11350100MB0000002", "福州市生态环境局", "3501"),
        ("11350200MB0000003", "厦门市生态环境局", "3502"),
    ] {
        let code = credit(first17);
        reg.state
            .store
            .add_org(
                yima_protocol::NewOrg {
                    credit_code: code.clone(),
                    name: name.into(),
                    roles: vec![Role::Regulator],
                    jurisdiction: Some(jurisdiction.into()),
                },
                now(),
            )
            .await
            .unwrap();
        devices.push(reg.device(&code, name, Role::Regulator, None).await);
    }
    let fuzhou = sync(&reg, &mut devices[0].1).await;
    assert_eq!(fuzhou.pulled, 6, "the whole history of its jurisdiction");
    let xiamen = sync(&reg, &mut devices[1].1).await;
    assert_eq!(xiamen.pulled, 0, "nothing outside its jurisdiction");
    let v = devices[0].1.verify(None).unwrap();
    assert!(v.ok, "{:?}", v.failures);
    assert_eq!(
        devices[0].1.container(&both[0]).unwrap().state,
        yima_core::ContainerState::Dispatched
    );

    // What happens next reaches the Fuzhou regulator too, once.
    let c = producer
        .register(&container("900-041-49", "5"))
        .unwrap()
        .code;
    sync(&reg, &mut producer).await;
    let again = sync(&reg, &mut devices[0].1).await;
    assert_eq!(again.pulled, 1);
    assert!(devices[0].1.container(&c).is_ok());
}

crate::on_both_backends!(qr_handover_taker_syncs_first_and_delivers_when_the_history_is_there);
async fn qr_handover_taker_syncs_first_and_delivers_when_the_history_is_there<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let ((_p, mut producer), (_c, mut carrier)) = producer_and_carrier(&reg).await;
    let both = stored_and_dispatched(&mut producer);
    sync(&reg, &mut producer).await;
    // Offline: the pickup over QR codes; the carrier never pulled these containers.
    let taken = pickup_over_qr(&mut producer, &mut carrier, &both);
    producer.confirm_handover_qr(&taken.ack_text).unwrap();
    // The taker syncs first and delivers the event; the giver's copy is the same event.
    let first = sync(&reg, &mut carrier).await;
    assert_eq!((first.accepted, first.deferred, first.refused), (1, 0, 0));
    let second = sync(&reg, &mut producer).await;
    assert_eq!(
        (second.accepted, second.refused),
        (1, 0),
        "answered as a duplicate"
    );
    assert_eq!(reg.event_count().await, 7);
    for dev in [&mut producer, &mut carrier] {
        assert_eq!(dev.outbox_counts().unwrap().pending, 0);
        let v = dev.verify(None).unwrap();
        assert!(v.ok, "{:?}", v.failures);
    }
}
