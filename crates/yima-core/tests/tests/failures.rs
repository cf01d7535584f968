//! Every kind of failure the verifier reports, each naming the event (and the container,
//! for chain failures) it is about.

use crate::harness::{assert_clean, assert_failures, kinds_of, Who, World, MINUTE};
use yima_core::yima_codes::LabelCode;
use yima_core::{
    verify, ContainerState, DeviceKey, EventKind, FailureKind as K, KeyEntry, RawEvent, Role,
    SignedEvent, Timestamp, VerifyOptions,
};

/// generated → stored → dispatched → picked up → received → weighed, one container.
pub(crate) fn delivered() -> (World, LabelCode) {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    w.deliver(&[&c]);
    w.weigh(Who::Receiver, &[&c]);
    (w, c)
}

// --- Content and signatures. ----------------------------------------------------------

#[test]
fn altered_bytes_are_an_id_mismatch_and_break_the_next_link() {
    let (mut w, _) = delivered();
    // The measured weight, 198.5 kg, becomes 998.5 kg in the store.
    let weighed = w.events[5].id;
    let e = &mut w.events[5];
    let text = String::from_utf8(e.canonical.clone()).expect("utf-8");
    assert!(text.contains("\"measured\":{\"milli\":198500,\"unit\":\"kg\"}"));
    e.canonical = text.replace("198500", "998500").into_bytes();
    let report = w.verify();
    assert_failures(&report, &[(weighed, K::IdMismatch, None)]);

    // The same in the middle of the chain: the next event's link is then broken.
    let (mut w, c2) = delivered();
    let stored = w.events[1].id;
    let dispatched = w.events[2].id;
    w.events[1].canonical = String::from_utf8(w.events[1].canonical.clone())
        .expect("utf-8")
        .replace("ZC001", "ZC002")
        .into_bytes();
    let report = w.verify();
    assert_failures(
        &report,
        &[
            (stored, K::IdMismatch, None),
            (dispatched, K::BrokenLink, Some(&c2)),
        ],
    );
}

#[test]
fn altered_bytes_with_a_matching_id_are_still_refused_as_malformed() {
    // Re-hashing a non-canonical rewrite does not help: the bytes must be canonical.
    let (mut w, _) = delivered();
    let e = w.events.last_mut().expect("weighed");
    let pretty = serde_json::to_vec_pretty(&e.body).expect("json");
    e.canonical = pretty;
    e.id = yima_core::EventId::of_canonical(&e.canonical);
    let id = e.id;
    let report = w.verify();
    assert_failures(&report, &[(id, K::Malformed, None)]);
}

#[test]
fn flipped_signature_is_a_bad_signature() {
    let (mut w, _) = delivered();
    let stored = w.events[1].id;
    w.events[1].signatures[0].sig.0[10] ^= 0x01;
    let report = w.verify();
    assert_failures(&report, &[(stored, K::BadSignature, None)]);
}

/// Enough events that signatures are checked in several batches on two threads: a forged
/// signature is found in whichever batch it falls, and the chain is followed without its
/// event (the chains are first followed trusting every signature, then again).
#[test]
fn forged_signatures_among_many_events_are_found_and_move_no_chain() {
    let mut w = World::new();
    let codes: Vec<LabelCode> = (0..200).map(|_| w.generate()).collect();
    for c in &codes {
        w.store(&[c]);
    }
    assert_clean(&w.verify_complete());
    // A generated event (its container then has no start) and a stored one, in two batches.
    w.events[10].signatures[0].sig.0[5] ^= 0x01;
    w.events[350].signatures[0].sig.0[40] ^= 0x10;
    let report = w.verify_complete();
    assert_failures(
        &report,
        &[
            (w.events[10].id, K::BadSignature, None),
            (w.events[210].id, K::ForbiddenTransition, Some(&codes[10])),
            (w.events[350].id, K::BadSignature, None),
        ],
    );
    assert!(!report.statuses.contains_key(&codes[10]));
    assert_eq!(
        report.statuses[&codes[150]].state,
        ContainerState::Generated
    );
    assert_eq!(report.statuses[&codes[151]].state, ContainerState::Stored);
    assert_eq!(report.statuses.len(), 199);
}

#[test]
fn flipped_giver_signature_on_a_handover_is_a_bad_signature() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let pickup = w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    let producer = w.key(Who::Producer);
    let last = w.events.last_mut().expect("pickup");
    let s = last
        .signatures
        .iter_mut()
        .find(|s| s.key == producer)
        .expect("giver signed");
    s.sig.0[63] ^= 0x80;
    let report = w.verify();
    assert_failures(&report, &[(pickup.id, K::BadSignature, None)]);
}

#[test]
fn handover_missing_the_givers_signature_is_missing_signature() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let event = w.picked_up_kind(Who::Producer, &m.number);
    let body = w.draft(Who::Carrier, Who::Carrier, event, &[&c]);
    let only_taker = w.sign(body, &[Who::Carrier]);
    let pickup = w.push(only_taker);
    let report = w.verify();
    assert_failures(&report, &[(pickup.id, K::MissingSignature, None)]);

    // Countersigned, the same event verifies.
    let giver = w.org(Who::Producer).key.clone();
    w.events.last_mut().expect("pickup").countersign(&giver);
    assert_clean(&w.verify());
}

#[test]
fn signature_by_no_party_to_the_event_is_bad() {
    let (mut w, _) = delivered();
    let stored = w.events[1].id;
    let stranger = w.org(Who::Receiver2).key.clone();
    w.events[1].countersign(&stranger);
    let report = w.verify();
    assert_failures(&report, &[(stored, K::BadSignature, None)]);
}

// --- Keys. ----------------------------------------------------------------------------

#[test]
fn unknown_key_is_reported() {
    let (mut w, c) = delivered();
    let stray = DeviceKey::from_secret(&[9; 32]);
    let event = EventKind::Accepted {
        quantity: crate::harness::kg("198.5"),
    };
    let mut body = w.draft(Who::Receiver, Who::Receiver, event, &[&c]);
    body.by.key = stray.public();
    body.composer = stray.public();
    let accepted = w.push(SignedEvent::seal(body, &stray));
    let report = w.verify();
    assert_failures(&report, &[(accepted.id, K::UnknownKey, None)]);
}

#[test]
fn revoked_key_is_refused_from_its_revocation_on() {
    let (w, _) = delivered();
    let stored = &w.events[1];
    let dispatched = &w.events[2];
    // The producer's device is revoked at the very moment of the dispatch.
    let mut keys = w.keys();
    let producer = w.key(Who::Producer);
    let mut entry = keys.get(&producer).expect("known").clone();
    entry.revoked_at = Some(dispatched.body.at);
    keys.insert(producer, entry.clone());
    let report = verify(&w.raw(), &keys, &VerifyOptions::default());
    // The dispatch (at the revocation) and the pickup the producer gave (after it) fail;
    // the generation and storage, before it, still verify.
    let pickup = &w.events[3];
    assert_eq!(kinds_of(&report, dispatched.id), [K::KeyMisuse]);
    assert_eq!(kinds_of(&report, pickup.id), [K::KeyMisuse]);
    assert!(kinds_of(&report, stored.id).is_empty());
    assert!(kinds_of(&report, w.events[0].id).is_empty());

    // Revoked one millisecond after the dispatch: only the pickup fails (the chain is cut
    // after it, so that the receipt is not judged against a pickup that did not count).
    entry.revoked_at = Some(Timestamp(dispatched.body.at.0 + 1));
    keys.insert(producer, entry);
    let report = verify(&w.raw()[..4], &keys, &VerifyOptions::default());
    assert_failures(&report, &[(pickup.id, K::KeyMisuse, None)]);
}

#[test]
fn key_used_before_its_revocation_verifies() {
    let (w, _) = delivered();
    let mut keys = w.keys();
    let producer = w.key(Who::Producer);
    let mut entry = keys.get(&producer).expect("known").clone();
    entry.revoked_at = Some(Timestamp(w.clock + MINUTE));
    keys.insert(producer, entry);
    assert_clean(&verify(&w.raw(), &keys, &VerifyOptions::default()));
}

#[test]
fn key_of_another_org_is_key_misuse() {
    let (mut w, c) = delivered();
    // The carrier's device signs an acceptance in the receiver's name.
    let event = EventKind::Accepted {
        quantity: crate::harness::kg("198.5"),
    };
    let mut body = w.draft(Who::Receiver, Who::Carrier, event, &[&c]);
    body.by.key = w.key(Who::Carrier);
    let forged = w.sign(body, &[Who::Carrier]);
    let forged = w.push(forged);
    let report = w.verify();
    assert_failures(&report, &[(forged.id, K::KeyMisuse, None)]);
}

#[test]
fn key_used_in_a_role_its_org_does_not_have_is_key_misuse() {
    let (mut w, c) = delivered();
    let mut keys = w.keys();
    // The directory knows the receiver only as a carrier.
    let receiver = w.key(Who::Receiver);
    keys.insert(
        receiver,
        KeyEntry {
            org: w.credit(Who::Receiver),
            roles: vec![Role::Carrier],
            revoked_at: None,
        },
    );
    let accepted = w.accept(Who::Receiver, &[&c]);
    let report = verify(&w.raw(), &keys, &VerifyOptions::default());
    // The receipt, the weighing and the acceptance, all recorded by the receiver, fail.
    assert_eq!(kinds_of(&report, accepted.id), [K::KeyMisuse]);
    assert_eq!(kinds_of(&report, w.events[4].id), [K::KeyMisuse]);
    assert_eq!(kinds_of(&report, w.events[5].id), [K::KeyMisuse]);
    assert_eq!(report.failures.len(), 3);
}

// --- Chains. --------------------------------------------------------------------------

#[test]
fn missing_previous_event_is_a_broken_link() {
    let (mut w, c) = delivered();
    let dispatched = w.events[2].id;
    w.events.remove(1);
    let report = w.verify();
    assert_failures(&report, &[(dispatched, K::BrokenLink, Some(&c))]);
    // The chain up to the gap is still followed.
    assert_eq!(report.statuses[&c].state, ContainerState::Generated);
}

#[test]
fn previous_event_of_another_container_is_a_broken_link() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    // b's store claims a's genesis as its previous event.
    let event = stored_kind(&mut w);
    let mut body = w.draft(Who::Producer, Who::Producer, event, &[&b]);
    body.links[0].prev = w.heads.get(&a).copied();
    let e = w.seal(body);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::BrokenLink, Some(&b))]);
}

fn stored_kind(w: &mut World) -> EventKind {
    EventKind::Stored {
        batch: w.batch(yima_core::yima_codes::BatchKind::IntoStore),
        facility_code: "ZC001".into(),
    }
}

#[test]
fn fork_keeps_first_and_flags_second() {
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let first = w.dispatch(Who::Producer, &m, &[&c]);
    // A second dispatch, a minute later, claims the same place after the store.
    w.heads.insert(c.clone(), stored.id);
    let m2 = w.manifest(Who::Producer, Who::Carrier2, Who::Receiver2);
    let second = w.dispatch(Who::Producer, &m2, &[&c]);
    assert_eq!(first.body.links, second.body.links);
    assert!(first.body.at < second.body.at);

    let report = w.verify_complete();
    assert_failures(&report, &[(second.id, K::Fork, Some(&c))]);
    assert_eq!(report.statuses[&c].head, first.id);
    assert_eq!(
        report.statuses[&c].manifest.as_ref().map(|m| &m.number),
        Some(&m.number)
    );

    // Given in the other order, the verdict is the same: the earlier one stays.
    w.events.swap(2, 3);
    let report = w.verify_complete();
    assert_failures(&report, &[(second.id, K::Fork, Some(&c))]);
    assert_eq!(report.statuses[&c].head, first.id);
}

#[test]
fn fork_at_the_genesis_flags_the_later_generation() {
    // Two different events both claim to begin the same container.
    let mut w = World::new();
    let label = w.new_label(Who::Producer);
    let code = label.code.clone();
    let gen = |w: &mut World, remarks: &str| {
        let mut label = label.clone();
        label.remarks = remarks.into();
        let event = EventKind::Generated {
            batch: w.batch(yima_core::yima_codes::BatchKind::Generation),
            catalogue_edition: "2021".into(),
            label,
        };
        let body = w.draft(Who::Producer, Who::Producer, event, &[&code]);
        w.seal(body)
    };
    let first = gen(&mut w, "");
    w.heads.clear();
    let second = gen(&mut w, "重复登记");
    let report = w.verify();
    assert_failures(&report, &[(second.id, K::Fork, Some(&code))]);
    assert_eq!(report.statuses[&code].head, first.id);
}

// --- Malformed bodies. ----------------------------------------------------------------

#[test]
fn composer_that_is_no_party_is_malformed() {
    let (mut w, c) = delivered();
    let event = EventKind::Accepted {
        quantity: crate::harness::kg("198.5"),
    };
    let body = w.draft(Who::Receiver, Who::Carrier, event, &[&c]);
    let e = w.seal(body);
    let report = w.verify();
    assert_failures(&report, &[(e.id, K::Malformed, None)]);
}

#[test]
fn unsorted_links_are_malformed() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    let event = stored_kind(&mut w);
    let mut body = w.draft(Who::Producer, Who::Producer, event, &[&a, &b]);
    body.links.reverse();
    let e = w.seal(body);
    let report = w.verify();
    assert!(
        kinds_of(&report, e.id).contains(&K::Malformed),
        "{}",
        crate::harness::describe(&report)
    );
}

// --- Device counters. -----------------------------------------------------------------

/// generated → stored → (producer counter skips one) → dispatched; returns the skipped value.
fn with_gap() -> (World, u64) {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let skipped = w.next_seq(Who::Producer);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    (w, skipped)
}

#[test]
fn device_counter_gap_is_a_sequence_gap() {
    let (w, skipped) = with_gap();
    assert_eq!(skipped, 3);
    let dispatched = w.events[2].id;
    assert_eq!(w.events[2].body.seq, 4);
    let report = w.verify_complete();
    assert_failures(&report, &[(dispatched, K::SequenceGap, None)]);
    // Without knowing the device's set is complete, nothing is said.
    assert_clean(&w.verify());
}

#[test]
fn device_counter_used_twice_is_a_sequence_gap() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    let first = w.store(&[&a]);
    let event = stored_kind(&mut w);
    let mut body = w.draft(Who::Producer, Who::Producer, event, &[&b]);
    body.seq = first.body.seq;
    let second = w.seal(body);
    let report = w.verify_complete();
    assert_eq!(
        report.failures.len(),
        1,
        "{}",
        crate::harness::describe(&report)
    );
    let f = &report.failures[0];
    assert_eq!(f.kind, K::SequenceGap);
    assert!(f.event == first.id || f.event == second.id);
    assert!(f.detail.contains("twice"), "{}", f.detail);
}

#[test]
fn unused_seqs_excuse_a_gap() {
    let (w, skipped) = with_gap();
    let options = VerifyOptions {
        complete_devices: w.all_devices(),
        unused_seqs: vec![(w.key(Who::Producer), skipped)],
    };
    assert_clean(&verify(&w.raw(), &w.keys(), &options));
    // Excusing another device's counter does not help.
    let options = VerifyOptions {
        complete_devices: w.all_devices(),
        unused_seqs: vec![(w.key(Who::Carrier), skipped)],
    };
    let report = verify(&w.raw(), &w.keys(), &options);
    assert_eq!(
        report.failures.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [K::SequenceGap]
    );
}

#[test]
fn handover_offer_counts_on_the_givers_device() {
    // The producer composes the pickup offer, so its counter runs through it.
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let pickup = w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(pickup.body.seq, 3);
    let m2 = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let d = w.generate();
    w.dispatch(Who::Producer, &m2, &[&d]);
    assert_clean(&w.verify_complete());
    // An offer the carrier never countersigned leaves a gap that unused_seqs explains.
    let offer_seq = w.next_seq(Who::Producer);
    w.pick_up(Who::Carrier, Who::Producer, &m2.number, &[&d]);
    let report = w.verify_complete();
    assert_eq!(
        report.failures.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [K::SequenceGap]
    );
    let options = VerifyOptions {
        complete_devices: w.all_devices(),
        unused_seqs: vec![(w.key(Who::Producer), offer_seq)],
    };
    assert_clean(&verify(&w.raw(), &w.keys(), &options));
}

#[test]
fn raw_event_from_signed_event_keeps_everything() {
    let (w, _) = delivered();
    let raw: Vec<RawEvent> = w.raw();
    for (r, e) in raw.iter().zip(&w.events) {
        assert_eq!(r.id, e.id);
        assert_eq!(r.canonical, e.canonical);
        assert_eq!(r.signatures, e.signatures);
        let back = SignedEvent::from_parts(r.id, r.canonical.clone(), r.signatures.clone())
            .expect("canonical");
        assert_eq!(&back, e);
    }
}

#[test]
fn unsigned_event_cannot_take_the_main_line_from_a_signed_one() {
    // Anyone can compute an event id; only the parties can sign. An unsigned event that
    // claims an earlier place after the store must not push the signed dispatch aside.
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let dispatch = w.dispatch(Who::Producer, &m, &[&c]);
    w.heads.insert(c.clone(), stored.id);
    let event = EventKind::Void {
        quantity: None,
        reason: "伪造".into(),
    };
    let mut body = w.draft(Who::Producer, Who::Producer, event, &[&c]);
    body.at = Timestamp(dispatch.body.at.0 - MINUTE / 2);
    let junk = w.push(SignedEvent::unsigned(body));
    let report = w.verify();
    assert_failures(
        &report,
        &[
            (junk.id, K::MissingSignature, None),
            (junk.id, K::Fork, Some(&c)),
        ],
    );
    assert_eq!(report.statuses[&c].head, dispatch.id);
    assert_eq!(report.statuses[&c].state, ContainerState::Dispatched);
}
