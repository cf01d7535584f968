//! Handovers between devices: offers, acknowledgements and what is refused.

use crate::common::*;
use yima_core::{ContainerState, Role};
use yima_device::{ErrorKind, HandoverAck, HandoverOffer};

/// The producer dispatches one container and offers it to the carrier `c` for pickup.
fn offer_one(p: &mut Dev<'_>, c: &mut Dev<'_>) -> HandoverOffer {
    let codes = dispatched(p, 1);
    p.offer_handover(&codes, &c.identity().unwrap(), pickup(), None, None)
        .unwrap()
}

#[test]
fn accepting_the_same_offer_twice_stores_it_once() {
    let (pd, cd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock = clock();
    let mut p = init(pd.path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(cd.path(), Role::Carrier, &carrier_org(), &clock);
    let codes = dispatched(&mut p, 2);
    clock.advance(HOUR);
    let card = c.identity().unwrap();
    let offer = p
        .offer_handover(&codes, &card, pickup(), None, None)
        .unwrap();

    let ack = c.accept_handover(&offer).unwrap();
    let n = events(&mut c);
    clock.advance(60_000);
    // The driver scans the same QR again: the same acknowledgement, no duplicate.
    let again = c
        .accept_handover(&offer)
        .expect("a second scan of the same offer is harmless");
    assert_eq!(again, ack);
    assert_eq!(events(&mut c), n);
    for code in &codes {
        assert_eq!(
            c.history(code).unwrap().len(),
            5,
            "generated, stored, weighed, dispatched, picked up"
        );
        assert_eq!(c.container(code).unwrap().state, ContainerState::InTransit);
    }
    assert_verifies(&mut c);

    // Confirming twice is harmless too.
    let e1 = p.confirm_handover(&ack).unwrap();
    let n = events(&mut p);
    let e2 = p.confirm_handover(&ack).unwrap();
    assert_eq!(e1.id, e2.id);
    assert_eq!(events(&mut p), n);
    assert_verifies(&mut p);
}

#[test]
fn an_ack_for_an_offer_this_device_never_made_is_refused() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    // Another device of the same producer.
    let mut p2 = init(dirs[2].path(), Role::Producer, &producer_org(), &clock);
    let offer = offer_one(&mut p, &mut c);
    let ack = c.accept_handover(&offer).unwrap();

    let e = p2.confirm_handover(&ack).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadHandover);
    assert_eq!(events(&mut p2), 0);

    // An acknowledgement that lost the taker's signature is refused by the giver.
    let mut unsigned: HandoverAck = ack.clone();
    unsigned
        .event
        .signatures
        .retain(|s| s.key != c.identity().unwrap().key);
    let n = events(&mut p);
    let e = p.confirm_handover(&unsigned).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadHandover);
    assert_eq!(events(&mut p), n);
    p.confirm_handover(&ack).unwrap();
    assert_eq!(events(&mut p), n + 1);
    assert_verifies(&mut p);
}

#[test]
fn an_offer_for_a_container_the_giver_does_not_hold_is_forbidden() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c1 = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut c2 = init(dirs[2].path(), Role::Carrier, &carrier2_org(), &clock);
    let mut r = init(dirs[3].path(), Role::Receiver, &receiver_org(), &clock);
    let codes = dispatched(&mut p, 1);
    clock.advance(HOUR);
    let offer = p
        .offer_handover(&codes, &c1.identity().unwrap(), pickup(), None, None)
        .unwrap();
    p.confirm_handover(&c1.accept_handover(&offer).unwrap())
        .unwrap();
    clock.advance(HOUR);
    let offer = c1
        .offer_handover(&codes, &c2.identity().unwrap(), relay(), None, None)
        .unwrap();
    c1.confirm_handover(&c2.accept_handover(&offer).unwrap())
        .unwrap();
    clock.advance(HOUR);

    // Carrier 1 no longer holds the drum: it may not hand it to the receiver.
    let before = events(&mut c1);
    let e = c1
        .offer_handover(
            &codes,
            &r.identity().unwrap(),
            yima_device::HandoverStep::Receive {
                manifest: manifest_number(),
            },
            None,
            None,
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    // Nor may the producer hand it over a second time.
    let e = p
        .offer_handover(&codes, &c2.identity().unwrap(), pickup(), None, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert_eq!(events(&mut c1), before);
    assert_verifies(&mut c1);
    assert_verifies(&mut p);

    // A container the giver has never seen.
    let e = p
        .offer_handover(
            &[stranger(&clock)],
            &c1.identity().unwrap(),
            pickup(),
            None,
            None,
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownContainer);

    // The holder can.
    let offer = c2
        .offer_handover(
            &codes,
            &r.identity().unwrap(),
            yima_device::HandoverStep::Receive {
                manifest: manifest_number(),
            },
            None,
            None,
        )
        .unwrap();
    c2.confirm_handover(&r.accept_handover(&offer).unwrap())
        .unwrap();
    assert_eq!(
        r.container(&codes[0]).unwrap().state,
        ContainerState::Received
    );
    for d in [&mut p, &mut c1, &mut c2, &mut r] {
        assert_verifies(d);
    }
}

#[test]
fn an_offer_for_another_device_or_altered_is_refused() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let offer = offer_one(&mut p, &mut c);

    let e = r.accept_handover(&offer).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadHandover);
    assert_eq!(events(&mut r), 0);

    let mut edited = offer.clone();
    edited.event.body = edited.event.body.replacen("陈师傅", "李师傅", 1);
    assert_ne!(edited.event.body, offer.event.body);
    let e = c.accept_handover(&edited).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadHandover);

    let mut history = offer.clone();
    let h = &mut history.history[0];
    h.body = h.body.replacen("\"milli\":20000", "\"milli\":2000", 1);
    assert_ne!(history.history[0].body, offer.history[0].body);
    let e = c.accept_handover(&history).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadHandover);
    assert_eq!(events(&mut c), 0);

    c.accept_handover(&offer).unwrap();
    assert_verifies(&mut c);
}
