//! Evidence bundles: an honest one verifies; a missing start, an event out of scope, an
//! unknown or revoked key fail naming the event; and any byte of any event changed in the
//! file fails naming that event (a property), or makes the file unreadable at that event.

use crate::harness::{Who, World, MINUTE, T0};
use proptest::prelude::*;
use yima_core::yima_codes::LabelCode;
use yima_core::{
    verify_bundle, verify_bundle_with, BundleError, BundleFailureKind, BundleReport, BundleScope,
    DeviceKey, EvidenceBundle, KeyOrigin, KeyRecord, KeyRecordsRestOn, Place, PublicKey,
    SignedEvent, Timestamp, WireEvent,
};

/// Two containers delivered under one manifest, the first accepted; a third stays at the
/// producer. Returns the world, the two delivered codes and the third.
fn delivered() -> (World, [LabelCode; 2], LabelCode, BundleScope) {
    delivered_in(World::new())
}

fn delivered_in(mut w: World) -> (World, [LabelCode; 2], LabelCode, BundleScope) {
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
    .replacen("\"version\":1", "\"version\":3", 1);
    assert!(matches!(
        verify_bundle(text.as_bytes()),
        Err(BundleError::Unsupported { version: 3, .. })
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

// The registry's attestation (docs/EVIDENCE-BUNDLE.md, "Attestation").

fn registry_key() -> DeviceKey {
    DeviceKey::from_secret(&[42; 32])
}

/// The delivered manifest's bundle as the registry exports it: attested by its key.
fn attested() -> (World, Vec<SignedEvent>, EvidenceBundle) {
    let (w, [a, b], _, manifest) = delivered();
    let events = touching(&w, &[&a, &b]);
    let b = bundle(manifest, key_records(&w), &events).attest(&registry_key());
    (w, events, b)
}

fn pinned(text: &[u8]) -> Result<BundleReport, BundleError> {
    verify_bundle_with(text, Some(&registry_key().public()))
}

fn has(r: &BundleReport, kind: BundleFailureKind) -> bool {
    r.failures.iter().any(|f| f.kind == kind)
}

#[test]
fn an_attested_bundle_verifies_with_the_registry_key_pinned_and_names_its_attester() {
    let (_, events, b) = attested();
    let text = b.to_text();
    assert!(text.starts_with("{\"format\":\"yima-evidence-bundle\",\"version\":2,"));
    assert_eq!(
        text.lines()
            .next()
            .unwrap()
            .matches("\"attestation\":")
            .count(),
        1
    );
    let r = pinned(text.as_bytes()).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.events, events.len());
    assert_eq!(r.attested_by, Some(registry_key().public()));
    assert_eq!(r.key_records, KeyRecordsRestOn::PinnedRegistryKey);
    // Without a pin: checked, and the report says whose key it rests on.
    let r = verify_bundle(text.as_bytes()).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.attested_by, Some(registry_key().public()));
    assert_eq!(r.key_records, KeyRecordsRestOn::AttestingKey);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["key_records"], "attesting_key");
    assert_eq!(json["attested_by"], registry_key().public().to_string());
    // It reads back whole, attestation included, and is written again byte for byte.
    let back: EvidenceBundle = serde_json::from_str(&text).unwrap();
    assert_eq!(back, b);
    assert_eq!(back.to_text(), text);
}

#[test]
fn an_unattested_bundle_is_the_exporters_word_and_fails_with_a_pin() {
    let (w, [a, b], _, manifest) = delivered();
    let text = bundle(manifest, key_records(&w), &touching(&w, &[&a, &b])).to_text();
    let r = verify_bundle(text.as_bytes()).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.attested_by, None);
    assert_eq!(r.key_records, KeyRecordsRestOn::ExportersWord);
    let r = pinned(text.as_bytes()).unwrap();
    assert!(!r.ok());
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert_eq!(r.failures[0].kind.as_str(), "unattested");
    assert_eq!(r.key_records, KeyRecordsRestOn::ExportersWord);
    // Version 2 claims an attestation: without one it fails even unpinned.
    let v2 = text.replacen("\"version\":1", "\"version\":2", 1);
    assert!(has(
        &verify_bundle(v2.as_bytes()).unwrap(),
        BundleFailureKind::Unattested
    ));
    // An attestation in a version 1 bundle is refused (the version is what it signs).
    let (_, _, b) = attested();
    let v1 = b.to_text().replacen("\"version\":2", "\"version\":1", 1);
    assert!(has(
        &verify_bundle(v1.as_bytes()).unwrap(),
        BundleFailureKind::BadAttestation
    ));
}

/// The forger of issue 14: keys and organisations made up, events signed by those keys,
/// a bundle that verifies on its own word. With the registry's key pinned it fails, whether
/// unattested or attested by the forger's own key.
#[test]
fn a_forgers_bundle_of_made_up_keys_and_events_fails_with_the_registry_key_pinned() {
    // The same parties, keys of the forger's making, records saying they are theirs.
    let (forged, [a, b], _, manifest) = delivered_in(World::new().with_made_up_keys());
    assert_ne!(forged.key(Who::Producer), World::new().key(Who::Producer));
    let events = touching(&forged, &[&a, &b]);
    let plain = bundle(manifest, key_records(&forged), &events);
    assert!(verify_bundle(plain.to_text().as_bytes()).unwrap().ok());
    let r = pinned(plain.to_text().as_bytes()).unwrap();
    assert!(has(&r, BundleFailureKind::Unattested), "{:?}", r.failures);

    let forger = DeviceKey::from_secret(&[7; 32]);
    let self_attested = plain.attest(&forger).to_text();
    // Unpinned it verifies, and says the records rest on the forger's key.
    let r = verify_bundle(self_attested.as_bytes()).unwrap();
    assert!(r.ok());
    assert_eq!(r.attested_by, Some(forger.public()));
    assert_eq!(r.key_records, KeyRecordsRestOn::AttestingKey);
    let r = pinned(self_attested.as_bytes()).unwrap();
    assert!(!r.ok());
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );
    assert_eq!(r.attested_by, None);
    assert_eq!(r.key_records, KeyRecordsRestOn::ExportersWord);

    // The registry's attestation moved onto the forger's bundle does not verify.
    let (_, _, real) = attested();
    let mut moved = bundle(
        BundleScope::Manifest(match &real.scope {
            BundleScope::Manifest(m) => m.clone(),
            _ => unreachable!(),
        }),
        key_records(&forged),
        &events,
    );
    moved.version = 2;
    moved.attestation = real.attestation;
    let r = pinned(moved.to_text().as_bytes()).unwrap();
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );
}

#[test]
fn a_key_record_changed_or_an_event_dropped_or_added_fails_the_attestation() {
    let (w, events, b) = attested();
    assert!(pinned(b.to_text().as_bytes()).unwrap().ok());

    // A key's revocation made up after the fact.
    let mut changed = b.clone();
    changed.keys[0].revoked_at = Some(Timestamp(T0));
    let r = pinned(changed.to_text().as_bytes()).unwrap();
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );
    // A key's organisation changed to another's.
    let mut changed = b.clone();
    changed.keys[0].org = changed.keys[1].org.clone();
    let r = pinned(changed.to_text().as_bytes()).unwrap();
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );

    // The last event (the acceptance) left out: the chains still verify, the attestation not.
    let mut dropped = b.clone();
    dropped.events.pop();
    let r = pinned(dropped.to_text().as_bytes()).unwrap();
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert!(has(&r, BundleFailureKind::BadAttestation));
    // Unpinned too: the attestation present is checked.
    assert!(has(
        &verify_bundle(dropped.to_text().as_bytes()).unwrap(),
        BundleFailureKind::BadAttestation
    ));

    // An event of the scope added (one the exporter held back).
    let mut added = bundle(
        b.scope.clone(),
        key_records(&w),
        &events[..events.len() - 1],
    )
    .attest(&registry_key());
    assert!(pinned(added.to_text().as_bytes()).unwrap().ok());
    added.events.push(WireEvent::of(&events[events.len() - 1]));
    let r = pinned(added.to_text().as_bytes()).unwrap();
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );

    // The exporter's name and clock are covered too.
    let mut changed = b.clone();
    changed.exported_by = "someone else".into();
    assert!(has(
        &pinned(changed.to_text().as_bytes()).unwrap(),
        BundleFailureKind::BadAttestation
    ));
    let other_key: PublicKey = DeviceKey::from_secret(&[8; 32]).public();
    let r = verify_bundle_with(b.to_text().as_bytes(), Some(&other_key)).unwrap();
    assert!(
        has(&r, BundleFailureKind::BadAttestation),
        "{:?}",
        r.failures
    );
}

/// The byte range of the header's scope and exported_at values and of each key record's line.
fn attested_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let header = text.lines().next().unwrap();
    let scope = header.find("\"scope\":").unwrap() + "\"scope\":".len();
    let scope_end = header[scope..].find('}').unwrap() + scope + 1;
    out.push(scope..scope_end);
    let at = header.find("\"exported_at\":").unwrap() + "\"exported_at\":".len();
    let at_end = header[at..].find(',').unwrap() + at;
    out.push(at..at_end);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("{\"key\":") {
            out.push(start..start + line.trim_end_matches(['\n', ',']).len());
        }
        start += line.len();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any byte of the scope, of exported_at or of any key record changed to any other: with
    /// the registry's key pinned, the attestation fails, or the file no longer reads.
    #[test]
    fn any_byte_of_a_key_record_the_scope_or_exported_at_changed_fails_under_the_pin(
        pick in any::<prop::sample::Index>(),
        offset in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let (_, _, b) = attested();
        let text = b.to_text();
        let ranges = attested_ranges(&text);
        prop_assert_eq!(ranges.len(), 2 + b.keys.len());
        let r = &ranges[pick.index(ranges.len())];
        let at = r.start + offset.index(r.len());
        let mut bytes = text.into_bytes();
        bytes[at] ^= xor;
        match pinned(&bytes) {
            Ok(r) => prop_assert!(
                r.failures.iter().any(|f| f.kind == BundleFailureKind::BadAttestation),
                "byte {} changed, failures {:?}", at, r.failures
            ),
            Err(BundleError::Unreadable { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }
}
