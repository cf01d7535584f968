//! The handover QR codes: an offer carries the event without its container codes, the taker
//! rebuilds the very event from the offer and the scanned labels; anything altered is
//! refused; texts round-trip and parsing never panics.

use crate::harness::{kg, Who, World};
use proptest::prelude::*;
use yima_core::yima_codes::LabelCode;
use yima_core::{
    codes_digest, HandoverAckQr, HandoverOfferQr, HandoverQrError, IdentityQr, Party, Quantity,
    Role, SignedEvent, Unit, MAX_QR_TEXT, OFFER_PREFIX,
};

/// `n` containers dispatched in `groups` separate dispatches, then a pickup offered by the
/// producer (signed by it alone), as the giver's device holds it.
fn offered(n: usize, groups: usize) -> (World, Vec<LabelCode>, SignedEvent) {
    let mut w = World::new();
    let codes: Vec<LabelCode> = (0..n).map(|_| w.generate()).collect();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    for g in 0..groups {
        let part: Vec<&LabelCode> = codes.iter().skip(g).step_by(groups).collect();
        w.dispatch(Who::Producer, &m, &part);
    }
    let refs: Vec<&LabelCode> = codes.iter().collect();
    let kind = w.picked_up_kind(Who::Producer, &m.number);
    let body = w.draft(Who::Carrier, Who::Producer, kind, &refs);
    let e = w.sign(body, &[Who::Producer]);
    (w, codes, e)
}

fn declared(n: usize) -> Vec<Quantity> {
    vec![kg("25"); n]
}

fn labels(codes: &[LabelCode]) -> Vec<(LabelCode, Quantity)> {
    codes.iter().map(|c| (c.clone(), kg("25"))).collect()
}

#[test]
fn the_taker_rebuilds_the_same_event_from_the_offer_and_the_labels() {
    for groups in [1, 2, 3] {
        let (w, codes, e) = offered(5, groups);
        let offer = HandoverOfferQr::of(&e, &declared(5)).unwrap();
        assert_eq!(offer.prevs.len(), groups);
        let text = offer.to_text();
        assert!(text.starts_with(OFFER_PREFIX) && text.len() <= MAX_QR_TEXT);
        let read = HandoverOfferQr::parse(&text).unwrap();
        assert_eq!(read, offer);
        // The labels are scanned in any order.
        let mut scanned = labels(&codes);
        scanned.reverse();
        let list = read.check_labels(&scanned).unwrap();
        let mut rebuilt = read.event(&list).unwrap();
        assert_eq!(rebuilt.id, e.id);
        assert_eq!(rebuilt.canonical, e.canonical);
        assert_eq!(rebuilt.signatures, e.signatures);

        // The taker countersigns; the acknowledgement carries its signature to the giver.
        rebuilt.countersign(&w.org(Who::Carrier).key);
        let ack = HandoverAckQr::of(&rebuilt, &w.key(Who::Carrier)).unwrap();
        let back = HandoverAckQr::parse(&ack.to_text()).unwrap();
        assert_eq!(back, ack);
        assert!(back.verifies());
        assert_eq!(back.event, e.id);
    }
}

#[test]
fn labels_that_are_not_the_list_are_named() {
    let (mut w, codes, e) = offered(3, 1);
    let offer = HandoverOfferQr::of(&e, &declared(3)).unwrap();
    let stray = w.generate();
    for c in &codes {
        assert!(offer.lists(c));
    }
    assert!(!offer.lists(&stray));

    let mut extra = labels(&codes);
    extra.push((stray.clone(), kg("25")));
    assert_eq!(
        offer.check_labels(&extra),
        Err(HandoverQrError::NotOnList { code: stray })
    );
    assert_eq!(
        offer.check_labels(&labels(&codes[..2])),
        Err(HandoverQrError::CountMismatch {
            expected: 3,
            found: 2
        })
    );
    // The same label twice is one container.
    let mut twice = labels(&codes[..2]);
    twice.push(twice[0].clone());
    assert!(matches!(
        offer.check_labels(&twice),
        Err(HandoverQrError::CountMismatch { found: 2, .. })
    ));
    let mut heavier = labels(&codes);
    heavier[1].1 = kg("26");
    assert!(matches!(
        offer.check_labels(&heavier),
        Err(HandoverQrError::TotalMismatch { .. })
    ));
    let mut litres = labels(&codes);
    litres[1].1 = Quantity::new(25_000, Unit::L).unwrap();
    assert!(matches!(
        offer.check_labels(&litres),
        Err(HandoverQrError::TotalMismatch { .. })
    ));
    // Rebuilding from other codes fails on the digest, whatever the count.
    let (_, others, _) = offered(3, 1);
    let others: Vec<LabelCode> = others.into_iter().filter(|c| !codes.contains(c)).collect();
    if others.len() == 3 {
        assert_eq!(offer.event(&others), Err(HandoverQrError::DigestMismatch));
    }
    assert_ne!(codes_digest(&codes[..2]), offer.codes_digest);
}

#[test]
fn any_altered_field_breaks_the_givers_signature() {
    let (_, codes, e) = offered(2, 2);
    let offer = HandoverOfferQr::of(&e, &declared(2)).unwrap();
    let mut changes: Vec<HandoverOfferQr> = Vec::new();
    let mut o = offer.clone();
    o.at.0 += 1;
    changes.push(o);
    let mut o = offer.clone();
    o.seq += 1;
    changes.push(o);
    let mut o = offer.clone();
    o.location = None;
    changes.push(o);
    let mut o = offer.clone();
    o.taker.role = Role::Receiver;
    changes.push(o);
    let mut o = offer.clone();
    o.prevs.swap(0, 1);
    changes.push(o);
    let mut o = offer.clone();
    if let yima_core::EventKind::PickedUp { vehicle_plate, .. } = &mut o.event {
        vehicle_plate.push('X');
    }
    changes.push(o);
    let mut o = offer.clone();
    o.signature.0[0] ^= 1;
    changes.push(o);
    for changed in changes {
        let read = HandoverOfferQr::parse(&changed.to_text()).unwrap();
        assert_eq!(read.event(&codes), Err(HandoverQrError::BadSignature));
    }
    // An acknowledgement with a flipped bit no longer verifies.
    let mut ack = HandoverAckQr {
        event: e.id,
        signature: e.signatures[0],
    };
    assert!(ack.verifies());
    ack.event.0[31] ^= 0x80;
    assert!(!ack.verifies());
}

#[test]
fn only_handovers_signed_by_their_giver_become_offers() {
    let (w, _, e) = offered(1, 1);
    // Signed by the taker only.
    let body = e.body.clone();
    let by_taker = w.sign(body, &[Who::Carrier]);
    assert!(matches!(
        HandoverOfferQr::of(&by_taker, &declared(1)),
        Err(HandoverQrError::NotOfferable { .. })
    ));
    // Not a handover.
    let stored = w
        .events
        .iter()
        .find(|e| e.body.event.giver().is_none())
        .unwrap();
    assert!(matches!(
        HandoverOfferQr::of(stored, &declared(stored.body.links.len())),
        Err(HandoverQrError::NotOfferable { .. })
    ));
}

#[test]
fn an_offer_fits_a_screen_qr_code_for_a_truck_load_or_says_to_split() {
    // 120 drums dispatched together share one chain head: one QR code.
    let (_, _, e) = offered(120, 1);
    let offer = HandoverOfferQr::of(&e, &declared(120)).unwrap();
    assert!(offer.to_text().len() <= MAX_QR_TEXT);
    // 40 drums whose chains all end differently do not fit: a clear refusal.
    let (_, _, e) = offered(40, 40);
    match HandoverOfferQr::of(&e, &declared(40)) {
        Err(HandoverQrError::NotOfferable { detail }) => assert!(detail.contains("split")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn identity_codes_round_trip() {
    let w = World::new();
    let id = IdentityQr {
        org: Party {
            credit_code: w.credit(Who::Carrier),
            name: "闽运危险货物运输有限公司".into(),
        },
        org_roles: vec![Role::Carrier, Role::Receiver],
        role: Role::Carrier,
        key: w.key(Who::Carrier),
    };
    let text = id.to_text().unwrap();
    assert_eq!(IdentityQr::parse(&text).unwrap(), id);
    assert!(matches!(
        IdentityQr::parse(&text.replace("YIMA-ID1:", "YIMA-ID2:")),
        Err(HandoverQrError::NotHandover { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any text: an error or an offer, never a panic; and an offer read back is the one
    /// spelling of its value.
    #[test]
    fn parsing_never_panics_and_is_canonical(s in "(YIMA-H[OA]1:)?[0-9A-Z $%*+./:-]{0,400}") {
        if let Ok(o) = HandoverOfferQr::parse(&s) {
            prop_assert_eq!(o.to_text(), s.clone());
        }
        if let Ok(a) = HandoverAckQr::parse(&s) {
            prop_assert_eq!(a.to_text(), s.clone());
        }
        let _ = IdentityQr::parse(&s);
    }

    /// A changed character of a real offer is refused, or reads as another offer that no
    /// longer carries the giver's signature over the rebuilt event.
    #[test]
    fn a_changed_character_is_caught(pos in 0usize..2000, c in prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".to_vec())) {
        let (_, codes, e) = offered(3, 2);
        let text = HandoverOfferQr::of(&e, &declared(3)).unwrap().to_text();
        let pos = OFFER_PREFIX.len() + pos % (text.len() - OFFER_PREFIX.len());
        let mut bytes = text.clone().into_bytes();
        prop_assume!(bytes[pos] != c);
        bytes[pos] = c;
        let changed = String::from_utf8(bytes).unwrap();
        if let Ok(o) = HandoverOfferQr::parse(&changed) {
            let rebuilt = o.check_labels(&labels(&codes)).and_then(|l| o.event(&l));
            prop_assert!(rebuilt.is_err(), "a changed offer still rebuilds a signed event");
        }
    }
}
