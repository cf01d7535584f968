//! The refused part of a partly refused container at the registry (issue 15, point 5): the
//! receiver splits it off under the manifest it came with, the carrier takes it back, its
//! sender takes it in, and every device's sync carries it. An insider with the receiver's
//! valid key who sends it "back" under a manifest of its own making, or disposes of the
//! container with the refused part still in it, is refused with nothing stored.

use crate::harness::*;
use crate::lineage::{insider, label, push_results};
use yima_codes::LabelCode;
use yima_core::{
    Actor, ContainerState, DeviceKey, EventBody, EventKind, Link, Party, Quantity, ReturningPart,
    Role, SignedEvent, Step, TransferManifest, Unit, WeighMethod, EVENT_FORMAT_VERSION,
};
use yima_device::{Action, ActionRequest, HandoverStep};
use yima_protocol::{PushOutcome, RefusalKind};

fn req(code: &LabelCode, action: Action) -> ActionRequest {
    ActionRequest {
        codes: vec![code.clone()],
        action,
        at: None,
        location: None,
    }
}

fn kg(s: &str) -> Quantity {
    Quantity::parse(s, Unit::Kg).unwrap()
}

fn weigh(amount: &str, who: &str) -> Action {
    Action::Weigh {
        measured: kg(amount),
        method: WeighMethod::Scale,
        scale: None,
        weigher: who.into(),
    }
}

/// An event of the receiver's, by `key`, following `code`'s head `prev` and beginning `new`.
fn by_receiver(
    key: &DeviceKey,
    seq: u64,
    kind: EventKind,
    code: &LabelCode,
    prev: yima_core::EventId,
    new: &[&LabelCode],
) -> SignedEvent {
    let mut links = vec![Link {
        container: code.clone(),
        prev: Some(prev),
    }];
    links.extend(new.iter().map(|c| Link {
        container: (*c).clone(),
        prev: None,
    }));
    links.sort_by(|a, b| a.container.cmp(&b.container));
    SignedEvent::seal(
        EventBody {
            v: EVENT_FORMAT_VERSION,
            at: now(),
            by: Actor {
                org: receiver_code(),
                role: Role::Receiver,
                key: key.public(),
            },
            composer: key.public(),
            event: kind,
            links,
            location: None,
            operator: None,
            track: None,
            seq,
        },
        key,
    )
}

crate::on_both_backends!(a_refused_part_goes_back_to_its_sender_through_the_registry);
async fn a_refused_part_goes_back_to_its_sender_through_the_registry<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let (_r, mut receiver) = reg.receiver().await;
    let code = dispatched_drum(&mut producer, "20");
    let one = std::slice::from_ref(&code);
    hand_over(&mut producer, &mut carrier, one, pickup());
    hand_over(&mut carrier, &mut receiver, one, receive());
    receiver.record(&req(&code, weigh("20", "林娜"))).unwrap();
    receiver
        .record(&req(
            &code,
            Action::PartlyRefuse {
                accepted: kg("17"),
                refused: kg("3"),
                reason: "含水率超标".into(),
            },
        ))
        .unwrap();
    for dev in [&mut producer, &mut carrier, &mut receiver] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    let stored = reg.event_count().await;
    let head: yima_core::EventId = receiver
        .history(&code)
        .unwrap()
        .last()
        .unwrap()
        .id
        .parse()
        .unwrap();

    // The insider: a valid key of the receiver's.
    let key = insider(&reg, &receiver_code(), Role::Receiver).await;
    let kept = label(&receiver_code(), 901, "17");
    let back = label(&receiver_code(), 902, "3");
    let forged = TransferManifest {
        sender: Party {
            credit_code: credit("91440300715267261"),
            name: "深圳某公司".into(),
        },
        ..manifest()
    };
    let split_under = |m: TransferManifest, seq| {
        by_receiver(
            &key,
            seq,
            EventKind::Split {
                inherited_state: ContainerState::Accepted,
                parts: vec![kept.clone(), back.clone()],
                returning: Some(ReturningPart {
                    code: back.code.clone(),
                    manifest: m,
                }),
            },
            &code,
            head,
            &[&kept.code, &back.code],
        )
    };
    let dispose = by_receiver(
        &key,
        2,
        EventKind::Disposed {
            batch: yima_codes::BatchCode::new(
                yima_codes::BatchKind::OutsourcedDisposal,
                now().china_date(),
                901,
            )
            .unwrap(),
            completed_at: now(),
            method: "D10 焚烧".into(),
            mode: yima_core::TreatmentMode::Disposal,
        },
        &code,
        head,
        &[],
    );
    let attacks = [
        (
            "the refused part sent to a sender of the insider's making",
            RefusalKind::Custody,
            split_under(forged, 1),
        ),
        (
            "the container disposed of with its refused part in it",
            RefusalKind::Balance,
            dispose,
        ),
    ];
    for (what, kind, e) in &attacks {
        let r = push_results(&reg, &key, std::slice::from_ref(e)).await;
        assert_eq!(r[0].outcome, PushOutcome::Refused, "{what}: {r:?}");
        assert_eq!(r[0].refusal, Some(*kind), "{what}: {r:?}");
        assert_eq!(reg.event_count().await, stored, "{what}: nothing stored");
    }

    // The honest way: the receiver's device splits it off; the carrier takes it back to the
    // producer, who stores it again. Every sync is clean.
    let split = receiver
        .record(&req(&code, Action::ReturnRefusedPart))
        .unwrap();
    let part = match &split.body.event {
        EventKind::Split {
            returning: Some(r), ..
        } => r.code.clone(),
        other => panic!("not a returning split: {other:?}"),
    };
    hand_over(
        &mut receiver,
        &mut carrier,
        std::slice::from_ref(&part),
        pickup(),
    );
    for dev in [&mut receiver, &mut carrier, &mut producer] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    hand_over(
        &mut carrier,
        &mut producer,
        std::slice::from_ref(&part),
        HandoverStep::Return {
            reason: "接收单位部分拒收".into(),
        },
    );
    producer
        .record(&req(
            &part,
            Action::Store {
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();
    for dev in [&mut producer, &mut carrier, &mut receiver] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    assert_eq!(reg.event_count().await, stored + 4);
    for dev in [&mut producer, &mut carrier, &mut receiver] {
        let steps: Vec<Step> = dev.history(&part).unwrap().iter().map(|h| h.step).collect();
        assert_eq!(
            steps,
            [Step::Split, Step::PickedUp, Step::Returned, Step::Stored]
        );
        assert_eq!(dev.container(&part).unwrap().state, ContainerState::Stored);
        let v = dev.verify(None).unwrap();
        assert!(v.ok(), "{v:?}");
    }
}
