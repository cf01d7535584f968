//! The carrier's route track a handover ending a transport signs (`EventBody::track`): left
//! out of the encoding when absent, only on a handover given by a carrier, and covering
//! only the carrier's custody (from its pickup to the handover, with the clock skew).

use crate::harness::{kinds_of, Who, World, MINUTE};
use yima_core::yima_codes::BatchKind;
use yima_core::{
    apply, check_track, decode, encode, track_digest, CustodyError, EventKind, FailureKind as K,
    Fix, SignedEvent, Timestamp, CLOCK_SKEW_MS,
};

fn digest(from: i64, to: i64) -> yima_core::TrackDigest {
    let fixes: Vec<Fix> = (0..3)
        .map(|i| Fix {
            at: Timestamp(from + (to - from) * i / 2),
            lat_e7: 260_745_000 + i as i32,
            lon_e7: 1_192_965_000,
            accuracy_m: Some(10),
        })
        .collect();
    track_digest(&fixes)
}

/// A world where the carrier picked `c` up under a manifest; returns the manifest number
/// and the pickup's time.
fn in_transit(
    w: &mut World,
) -> (
    yima_core::yima_codes::LabelCode,
    yima_core::yima_codes::ManifestNumber,
    Timestamp,
) {
    let c = w.generate();
    w.weighing(Who::Producer, &[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let p = w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    (c, m.number, p.body.at)
}

fn received_with(
    w: &mut World,
    c: &yima_core::yima_codes::LabelCode,
    m: &yima_core::yima_codes::ManifestNumber,
    t: yima_core::TrackDigest,
) -> SignedEvent {
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier),
        manifest: m.clone(),
    };
    let mut body = w.draft(Who::Receiver, Who::Carrier, event, &[c]);
    body.track = Some(t);
    w.seal(body)
}

#[test]
fn a_track_is_signed_into_the_receipt_and_verifies() {
    let mut w = World::new();
    let (c, m, picked) = in_transit(&mut w);
    let t = digest(picked.0, picked.0 + MINUTE / 2);
    let e = received_with(&mut w, &c, &m, t);
    let text = String::from_utf8(e.canonical.clone()).unwrap();
    assert!(
        text.contains(&format!(
            r#","track":{{"fixes":3,"first":{},"last":{},"sha256":"{}"}},"seq":"#,
            t.first.0,
            t.last.0,
            t.sha256_hex()
        )),
        "{text}"
    );
    assert_eq!(decode(&e.canonical), Ok(e.body.clone()));
    assert_eq!(encode(&e.body), e.canonical);
    w.verify_clean();
}

#[test]
fn a_track_on_a_step_that_ends_no_transport_is_refused() {
    // The attack: an insider with a valid key signs a route into a storage or a generation.
    let mut w = World::new();
    let c = w.generate();
    let head = w.verify_clean().statuses[&c].clone();
    let kind = EventKind::Stored {
        batch: w.batch(BatchKind::IntoStore),
        facility_code: "ZC001".into(),
    };
    let mut body = w.draft(Who::Producer, Who::Producer, kind, &[&c]);
    body.track = Some(digest(body.at.0 - MINUTE, body.at.0));
    let e = w.seal(body);
    let refused = apply(Some(&head), e.id, &e.body, &c).expect_err("a stored step");
    assert!(matches!(refused, CustodyError::Track { .. }), "{refused:?}");
    assert!(refused
        .message(yima_core::yima_codes::Lang::Zh)
        .contains("运输轨迹"));
    let report = w.verify();
    assert_eq!(report.statuses[&c].head, head.head);
    assert!(!kinds_of(&report, e.id).is_empty());

    // A generating event with a track.
    let mut w = World::new();
    let label = w.new_label(Who::Producer);
    let code = label.code.clone();
    let kind = EventKind::Generated {
        batch: w.batch(BatchKind::Generation),
        catalogue_edition: "2025".into(),
        label,
    };
    let mut body = w.draft(Who::Producer, Who::Producer, kind, &[&code]);
    body.track = Some(digest(body.at.0 - MINUTE, body.at.0));
    let refused = apply(None, yima_core::EventId([9; 32]), &body, &code).expect_err("generated");
    assert!(matches!(refused, CustodyError::Track { .. }), "{refused:?}");

    // A pickup (which begins the transport) may not carry one either.
    let mut w = World::new();
    let c = w.generate();
    w.weighing(Who::Producer, &[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let head = w.verify_clean().statuses[&c].clone();
    let kind = w.picked_up_kind(Who::Producer, &m.number);
    let mut body = w.draft(Who::Carrier, Who::Producer, kind, &[&c]);
    body.track = Some(digest(body.at.0 - MINUTE, body.at.0));
    let refused = check_track(&body, None).expect_err("a pickup");
    assert!(matches!(refused, CustodyError::Track { .. }), "{refused:?}");
    let e = w.sign(body, &[Who::Producer, Who::Carrier]);
    assert!(apply(Some(&head), e.id, &e.body, &c).is_err());
}

#[test]
fn a_track_outside_the_carriers_custody_is_refused() {
    for (name, shift_first, shift_last) in [
        ("before the pickup", -CLOCK_SKEW_MS - 1, 0),
        ("after the handover", 0, 2 * CLOCK_SKEW_MS),
    ] {
        let mut w = World::new();
        let (c, m, picked) = in_transit(&mut w);
        let head = w.verify_clean().statuses[&c].clone();
        assert_eq!(head.custody_since, Some(picked), "{name}");
        let event = EventKind::Received {
            giver: w.actor(Who::Carrier),
            manifest: m.clone(),
        };
        let mut body = w.draft(Who::Receiver, Who::Carrier, event, &[&c]);
        let first = picked.0 + shift_first;
        let last = body.at.0 + shift_last;
        body.track = Some(digest(first, last));
        let e = w.seal(body);
        let refused = apply(Some(&head), e.id, &e.body, &c).expect_err(name);
        assert!(
            matches!(refused, CustodyError::Track { .. }),
            "{name}: {refused:?}"
        );
        let report = w.verify();
        assert_eq!(report.statuses[&c].head, head.head, "{name}");
        assert!(!kinds_of(&report, e.id).is_empty(), "{name}");
    }
}

#[test]
fn only_the_carrier_giving_may_sign_a_track_and_an_empty_one_is_refused() {
    // A return by a receiver to the producer (giver: the receiver) may not carry one.
    let mut w = World::new();
    let c = w.generate();
    let body_at = w.tick();
    let receiver_return = EventKind::Returned {
        giver: w.actor(Who::Receiver),
        reason: "拒收".into(),
    };
    let mut body = w.draft(Who::Producer, Who::Receiver, receiver_return, &[&c]);
    body.track = Some(digest(body_at.0, body_at.0));
    assert!(matches!(
        check_track(&body, None),
        Err(CustodyError::Track { .. })
    ));

    let mut w = World::new();
    let (c, m, picked) = in_transit(&mut w);
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier),
        manifest: m,
    };
    let mut body = w.draft(Who::Receiver, Who::Carrier, event, &[&c]);
    let mut t = digest(picked.0, body.at.0);
    t.fixes = 0;
    body.track = Some(t);
    assert!(matches!(
        check_track(&body, Some(picked)),
        Err(CustodyError::Track { .. })
    ));
    let mut t = digest(picked.0, body.at.0);
    std::mem::swap(&mut t.first, &mut t.last);
    body.track = Some(t);
    assert!(matches!(
        check_track(&body, Some(picked)),
        Err(CustodyError::Track { .. })
    ));
    let _ = K::Malformed;
}

#[test]
fn a_qr_offer_carries_the_track_and_one_without_keeps_its_text() {
    use yima_core::HandoverOfferQr;
    let mut w = World::new();
    let (c, m, picked) = in_transit(&mut w);
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier),
        manifest: m,
    };
    let body = w.draft(Who::Receiver, Who::Carrier, event, &[&c]);
    let mut with = body.clone();
    with.track = Some(digest(picked.0, body.at.0));
    let declared = [crate::harness::kg("200")];
    for b in [body, with] {
        let e = w.sign(b.clone(), &[Who::Carrier]);
        let offer = HandoverOfferQr::of(&e, &declared).expect("an offer");
        let parsed = HandoverOfferQr::parse(&offer.to_text()).expect("parses");
        assert_eq!(parsed, offer);
        let rebuilt = parsed.event(std::slice::from_ref(&c)).expect("rebuilt");
        assert_eq!(rebuilt.id, e.id);
        assert_eq!(rebuilt.body.track, b.track);
    }
}
