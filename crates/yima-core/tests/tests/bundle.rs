//! Evidence bundles: an honest one verifies; a missing start, an event out of scope, an
//! unknown or revoked key fail naming the event; and any byte of any event changed in the
//! file fails naming that event (a property), or makes the file unreadable at that event.

use crate::harness::{Who, World, MINUTE, T0};
use proptest::prelude::*;
use yima_core::yima_codes::LabelCode;
use yima_core::{
    verify_bundle, BundleError, BundleFailureKind, BundleReport, BundleScope, EvidenceBundle,
    KeyOrigin, KeyRecord, Place, SignedEvent, Timestamp, WireEvent,
};

/// Two containers delivered under one manifest, the first accepted; a third stays at the
/// producer. Returns the world, the two delivered codes and the third.
fn delivered() -> (World, [LabelCode; 2], LabelCode, BundleScope) {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    let other = w.generate();
    w.store(&[&a, &b]);
    w.store(&[&other]);
    let m = w.deliver(&[&a, &b]);
    w.weigh(Who::Receiver, &[&a]);
    w.accept(Who::Receiver, &[&a]);
    (w, [a, b], other, BundleScope::Manifest(m.number))
}

fn key_records(w: &World) -> Vec<KeyRecord> {
    Who::ALL
        .iter()
        .map(|&who| KeyRecord {
            key: w.key(who),
            org: w.credit(who),
            org_name: w.party(who).name,
            roles: vec![w.org(who).role],
            enrolled_at: Some(Timestamp(T0 - MINUTE)),
            revoked_at: None,
            origin: KeyOrigin::Registry,
        })
        .collect()
}

fn touching(w: &World, codes: &[&LabelCode]) -> Vec<SignedEvent> {
    w.events
        .iter()
        .filter(|e| e.body.links.iter().any(|l| codes.contains(&&l.container)))
        .cloned()
        .collect()
}

fn bundle(scope: BundleScope, keys: Vec<KeyRecord>, events: &[SignedEvent]) -> EvidenceBundle {
    EvidenceBundle::new(
        scope,
        Timestamp(T0 + 3_600_000),
        "test".into(),
        keys,
        events.iter().map(WireEvent::of).collect(),
    )
}

fn check(b: &EvidenceBundle) -> BundleReport {
    verify_bundle(b.to_text().as_bytes()).expect("a readable bundle")
}

fn kinds_at(r: &BundleReport, position: usize) -> Vec<&'static str> {
    r.failures
        .iter()
        .filter(|f| f.position == Some(position))
        .map(|f| f.kind.as_str())
        .collect()
}

#[test]
fn an_honest_bundle_of_a_container_or_a_manifest_verifies() {
    let (w, [a, b], _, manifest) = delivered();
    // A container's bundle holds the chains of the containers it shares events with.
    let events = touching(&w, &[&a, &b]);
    let r = check(&bundle(
        BundleScope::Container(a.clone()),
        key_records(&w),
        &events,
    ));
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.events, events.len());
    assert!(r.notes.is_empty());

    let text = bundle(manifest.clone(), key_records(&w), &events).to_text();
    let r = verify_bundle(text.as_bytes()).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.scope, manifest);
    // The file reads back as the bundle written, one event per line.
    let back: EvidenceBundle = serde_json::from_str(&text).unwrap();
    assert_eq!(back.events.len(), events.len());
    assert_eq!(
        text.lines().filter(|l| l.starts_with("{\"id\":")).count(),
        events.len()
    );
}

#[test]
fn a_chain_without_its_start_fails_naming_the_event_that_links_to_it() {
    let (w, [a, b], _, _) = delivered();
    let events = touching(&w, &[&a, &b]);
    // The first event is the first container's start.
    assert!(events[0].body.links[0].prev.is_none() && events[0].body.links[0].container == a);
    let r = check(&bundle(
        BundleScope::Container(a.clone()),
        key_records(&w),
        &events[1..],
    ));
    assert!(!r.ok());
    // The store of both containers, now second in the file.
    assert!(kinds_at(&r, 1).contains(&"broken_link"), "{:?}", r.failures);
    assert!(r
        .failures
        .iter()
        .any(|f| f.kind == BundleFailureKind::NoStart && f.container.as_ref() == Some(&a)));
}

#[test]
fn an_event_of_another_container_and_a_scope_with_no_event_fail() {
    let (w, [a, b], other, _) = delivered();
    let mut events = touching(&w, &[&a, &b]);
    let n = events.len();
    events.extend(touching(&w, &[&other]));
    let r = check(&bundle(
        BundleScope::Container(a.clone()),
        key_records(&w),
        &events,
    ));
    assert_eq!(kinds_at(&r, n), ["outside_scope"], "{:?}", r.failures);

    let r = check(&bundle(
        BundleScope::Container(other),
        key_records(&w),
        &events[..n],
    ));
    assert!(r
        .failures
        .iter()
        .any(|f| f.kind == BundleFailureKind::ScopeMissing));
}

#[test]
fn a_key_missing_or_revoked_before_the_event_fails_it_and_a_late_enrolment_is_a_note() {
    let (w, [a, b], _, _) = delivered();
    let events = touching(&w, &[&a, &b]);
    let receiver = w.key(Who::Receiver);
    let last = events.len() - 1;
    assert_eq!(events[last].body.by.key, receiver);

    let keys: Vec<KeyRecord> = key_records(&w)
        .into_iter()
        .filter(|k| k.key != receiver)
        .collect();
    let r = check(&bundle(BundleScope::Container(a.clone()), keys, &events));
    assert!(
        kinds_at(&r, last).contains(&"unknown_key"),
        "{:?}",
        r.failures
    );

    let mut keys = key_records(&w);
    keys.iter_mut()
        .filter(|k| k.key == receiver)
        .for_each(|k| k.revoked_at = Some(events[last].body.at));
    let r = check(&bundle(BundleScope::Container(a.clone()), keys, &events));
    assert!(
        kinds_at(&r, last).contains(&"key_misuse"),
        "{:?}",
        r.failures
    );
    assert!(
        kinds_at(&r, 0).is_empty(),
        "events before the revocation stand"
    );

    let mut keys = key_records(&w);
    keys.iter_mut()
        .filter(|k| k.key == receiver)
        .for_each(|k| k.enrolled_at = Some(Timestamp(events[last].body.at.0 + MINUTE)));
    let r = check(&bundle(BundleScope::Container(a), keys, &events));
    assert!(r.ok(), "{:?}", r.failures);
    assert!(r
        .notes
        .iter()
        .any(|n| n.kind == BundleFailureKind::BeforeEnrolment && n.position == Some(last)));
}

#[test]
fn an_id_written_in_capitals_reads_alike_but_fails_as_changed() {
    let (w, [a, b], _, _) = delivered();
    let events = touching(&w, &[&a, &b]);
    let text = bundle(BundleScope::Container(a), key_records(&w), &events).to_text();
    let id = events[2].id.to_string();
    let text = text.replacen(&id, &id.to_uppercase(), 1);
    let r = verify_bundle(text.as_bytes()).unwrap();
    assert_eq!(kinds_at(&r, 2), ["not_canonical"], "{:?}", r.failures);
    assert_eq!(r.failures[0].event, Some(events[2].id));
}

#[test]
fn a_file_that_is_no_bundle_is_unreadable_or_unsupported() {
    let err = verify_bundle(b"not json").unwrap_err();
    assert!(
        matches!(
            err,
            BundleError::Unreadable {
                place: Place::Header,
                line: 1,
                ..
            }
        ),
        "{err}"
    );
    let (w, [a, _], _, _) = delivered();
    let text = bundle(
        BundleScope::Container(a.clone()),
        key_records(&w),
        &touching(&w, &[&a]),
    )
    .to_text()
    .replacen("\"version\":1", "\"version\":2", 1);
    assert!(matches!(
        verify_bundle(text.as_bytes()),
        Err(BundleError::Unsupported { version: 2, .. })
    ));
}

/// The byte range of each event's line in a bundle's text.
/// An event's closing brace changed into a carriage return reads on into the next event, where
/// the parser notices: the error still names the changed event (seen by the property below).
#[test]
fn a_brace_turned_into_a_space_is_named_at_its_own_event() {
    let (w, [a, b], _, manifest) = delivered();
    let events = touching(&w, &[&a, &b]);
    let text = bundle(manifest, key_records(&w), &events).to_text();
    let lines = event_lines(&text);
    let n = lines.len() - 2;
    let mut bytes = text.into_bytes();
    bytes[lines[n].end - 1] = b'\r';
    match verify_bundle(&bytes) {
        Err(BundleError::Unreadable { place, .. }) => assert_eq!(place, Place::Event(n)),
        other => panic!("expected unreadable at event {n}, got {other:?}"),
    }
}

/// A byte of a Chinese character changed into a line break leaves the file no longer UTF-8
/// on the line after: the error still names the changed event (seen by the property below).
#[test]
fn a_byte_turned_into_a_line_break_is_named_at_its_own_event() {
    let (w, [a, b], _, manifest) = delivered();
    let events = touching(&w, &[&a, &b]);
    let text = bundle(manifest, key_records(&w), &events).to_text();
    let lines = event_lines(&text);
    let (n, at) = lines
        .iter()
        .enumerate()
        .find_map(|(n, l)| text[l.clone()].find('号').map(|i| (n, l.start + i)))
        .expect("an event naming a permit");
    let mut bytes = text.into_bytes();
    bytes[at] = b'\n';
    match verify_bundle(&bytes) {
        Err(BundleError::Unreadable { place, .. }) => assert_eq!(place, Place::Event(n)),
        other => panic!("expected unreadable at event {n}, got {other:?}"),
    }
}

fn event_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("{\"id\":") {
            out.push(start..start + line.trim_end_matches(['\n', ',']).len());
        }
        start += line.len();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any byte of any event changed to any other: the bundle fails naming that event, or
    /// cannot be read, the error naming that event.
    #[test]
    fn any_byte_of_any_event_changed_fails_naming_that_event(
        pick in any::<prop::sample::Index>(),
        offset in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let (w, [a, b], _, manifest) = delivered();
        let events = touching(&w, &[&a, &b]);
        let text = bundle(manifest, key_records(&w), &events).to_text();
        let lines = event_lines(&text);
        prop_assert_eq!(lines.len(), events.len());
        let n = pick.index(lines.len());
        let at = lines[n].start + offset.index(lines[n].len());
        let mut bytes = text.into_bytes();
        bytes[at] ^= xor;
        match verify_bundle(&bytes) {
            Ok(r) => {
                prop_assert!(!r.ok());
                prop_assert!(
                    r.failures.iter().any(|f| f.position == Some(n)),
                    "event #{} changed at byte {} but the failures name others: {:?}",
                    n, at, r.failures
                );
                // Unless the id's own hex changed, the failures name the event's id.
                if !(7..71).contains(&(at - lines[n].start)) {
                    for f in r.failures.iter().filter(|f| f.position == Some(n)) {
                        if let Some(id) = f.event {
                            prop_assert_eq!(id, events[n].id);
                        }
                    }
                }
            }
            Err(BundleError::Unreadable { place, .. }) => {
                prop_assert_eq!(place, Place::Event(n), "changed at byte {}", at);
            }
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }
}
