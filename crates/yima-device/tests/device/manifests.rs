//! Manifests as a driver and a receiver work through them: pickups still to take, arrivals
//! against what was declared, weights beyond tolerance.

use crate::common::*;
use yima_core::{ContainerState, Role, WeighMethod};
use yima_device::{Action, Clock, HandoverStep, ManifestPart, ManifestView};

fn only(dev: &mut Dev<'_>) -> ManifestView {
    let mut all = dev.manifests().unwrap();
    assert_eq!(all.len(), 1, "one manifest: {all:#?}");
    all.remove(0)
}

#[test]
fn pickups_and_arrivals_follow_the_manifest_and_flag_weights_beyond_tolerance() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    assert!(c.manifests().unwrap().is_empty(), "nothing known yet");
    let codes = dispatched(&mut p, 3); // 20, 21 and 22 kg
    let dispatched_at = clock.now();

    // The registry tells the carrier and the receiver about the dispatch.
    feed(&mut p, &mut c);
    feed(&mut p, &mut r);
    let m = only(&mut c);
    assert_eq!(m.part, ManifestPart::Carrier);
    assert_eq!(m.number, manifest_number().to_string());
    assert_eq!(m.receiver, receiver_org());
    assert_eq!((m.lines.len(), m.waiting), (3, 3), "three pickups");
    assert_eq!(m.dispatched_at, Some(dispatched_at));
    assert_eq!(m.declared_kg_milli, 63_000);
    assert_eq!(only(&mut r).part, ManifestPart::Receiver);
    assert_eq!(only(&mut r).waiting, 3, "three arrivals to come");
    let at_producer = only(&mut p);
    assert_eq!(
        (at_producer.part, at_producer.waiting),
        (ManifestPart::Sender, 0)
    );

    // The driver takes two of the three.
    clock.advance(HOUR);
    let taken = &codes[..2];
    let offer = p
        .offer_handover(taken, &c.identity().unwrap(), pickup(), None, None)
        .unwrap();
    p.confirm_handover(&c.accept_handover(&offer).unwrap())
        .unwrap();
    let m = only(&mut c);
    assert_eq!(m.waiting, 1, "one pickup left");
    let left: Vec<_> = m.lines.iter().filter(|l| l.waiting).collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].code, codes[2]);
    assert_eq!(left[0].state, ContainerState::Dispatched);
    assert_eq!(
        m.dispatched_at,
        Some(dispatched_at),
        "the one left's dispatch"
    );

    // They arrive; the weighbridge finds one about right and one far off.
    clock.advance(HOUR);
    let receive = HandoverStep::Receive {
        manifest: manifest_number(),
    };
    let offer = c
        .offer_handover(taken, &r.identity().unwrap(), receive, None, None)
        .unwrap();
    c.confirm_handover(&r.accept_handover(&offer).unwrap())
        .unwrap();
    clock.advance(HOUR);
    for (code, kg) in [(&codes[0], "19.7"), (&codes[1], "25")] {
        r.record(&req(
            std::slice::from_ref(code),
            Action::Weigh {
                measured: q(kg),
                method: WeighMethod::Scale,
                scale: None,
                weigher: "林娜".into(),
            },
        ))
        .unwrap();
    }
    let m = only(&mut r);
    assert_eq!(m.waiting, 1, "the third is still with its producer");
    let line = |code| m.lines.iter().find(|l| &l.code == code).unwrap();
    let (near, far) = (line(&codes[0]), line(&codes[1]));
    assert_eq!(near.measured, Some(q("19.7")));
    assert_eq!(near.difference_milli, Some(-300));
    assert!(!near.beyond_tolerance, "0.3 kg is within 0.5 kg");
    assert_eq!(far.difference_milli, Some(4_000));
    assert!(far.beyond_tolerance, "4 kg off 21 kg is beyond 2 %");
    assert_eq!(far.state, ContainerState::Received);
    // The third, not arrived yet, is as its sender weighed it before dispatch.
    assert_eq!(line(&codes[2]).measured, Some(q("22")));
    assert_eq!(m.measured_kg_milli, 44_700 + 22_000);
    assert_eq!(only(&mut c).waiting, 1, "the carrier's list is unchanged");
}
