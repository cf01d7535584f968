//! The carrier's route: fixes recorded only while in transit, signed as a digest into the
//! handover ending the transport, and shown per transport with a verdict.

use crate::common::*;
use yima_core::{track_digest, Fix, Role, Timestamp};
use yima_device::{ErrorKind, RouteVerdict};

fn fix(at: Timestamp, i: i32) -> Fix {
    Fix {
        at,
        lat_e7: 260_745_000 + i * 1000,
        lon_e7: 1_192_965_000 + i * 1000,
        accuracy_m: Some(8),
    }
}

/// A producer's, a carrier's and a receiver's devices in `dir`.
fn chain<'a>(
    dir: &std::path::Path,
    c: &'a yima_device::ManualClock,
) -> (Dev<'a>, Dev<'a>, Dev<'a>) {
    (
        init(&dir.join("p"), Role::Producer, &producer_org(), c),
        init(&dir.join("c"), Role::Carrier, &carrier_org(), c),
        init(&dir.join("r"), Role::Receiver, &receiver_org(), c),
    )
}

#[test]
fn fixes_are_refused_unless_in_transit_with_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let mut producer = init(&dir.path().join("p"), Role::Producer, &producer_org(), &c);
    let mut carrier = init(&dir.path().join("c"), Role::Carrier, &carrier_org(), &c);
    let codes = dispatched(&mut producer, 1);
    c.advance(HOUR);
    // The producer (not a carrier) and the carrier before its pickup: refused.
    for dev in [&mut producer, &mut carrier] {
        let e = dev
            .record_fixes(&manifest_number(), &[fix(yima_device::Clock::now(&&c), 0)])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotInTransit, "{e}");
        assert!(e.message(yima_codes::Lang::Zh).contains("不在运输途中"));
    }
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let picked = yima_device::Clock::now(&&c);
    // Another manifest: refused too.
    let other = yima_codes::ManifestNumber::new(2025, 35, 1, 999).unwrap();
    let e = carrier.record_fixes(&other, &[fix(picked, 0)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotInTransit);
    c.advance(HOUR);
    // Before the pickup and in the future: skipped; a duplicate: ignored.
    let now = yima_device::Clock::now(&&c);
    let fixes = [
        fix(Timestamp(picked.0 - 1), 1),
        fix(Timestamp(picked.0 + 60_000), 2),
        fix(Timestamp(picked.0 + 120_000), 3),
        fix(Timestamp(now.0 + 60_000), 4),
    ];
    assert_eq!(carrier.record_fixes(&manifest_number(), &fixes).unwrap(), 2);
    assert_eq!(carrier.record_fixes(&manifest_number(), &fixes).unwrap(), 0);
    let routes = carrier.routes(&codes[0]).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].verdict, RouteVerdict::InProgress);
    assert_eq!(routes[0].fixes.len(), 2);
}

#[test]
fn the_carriers_receipt_signs_its_route_and_the_receiver_sees_it_verified() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (mut producer, mut carrier, mut receiver) = chain(dir.path(), &c);
    let codes = dispatched(&mut producer, 2);
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let picked = yima_device::Clock::now(&&c);
    let fixes: Vec<Fix> = (1..=5)
        .map(|i| fix(Timestamp(picked.0 + i64::from(i) * 600_000), i))
        .collect();
    c.advance(HOUR);
    let dir_file = dir.path().join("route.csv");
    let csv: String = fixes
        .iter()
        .map(|f| {
            format!(
                "{},{}.{:07},{}.{:07},8\n",
                f.at.to_datetime().to_rfc3339(),
                f.lat_e7 / 10_000_000,
                f.lat_e7 % 10_000_000,
                f.lon_e7 / 10_000_000,
                f.lon_e7 % 10_000_000
            )
        })
        .collect();
    std::fs::write(&dir_file, csv).unwrap();
    assert_eq!(
        carrier
            .record_fixes_from_file(&manifest_number(), &dir_file)
            .unwrap(),
        5
    );
    c.advance(HOUR);
    let offer = carrier
        .offer_handover(&codes, &receiver.identity().unwrap(), receive(), None, None)
        .unwrap();
    let signed = yima_core::decode(offer.event.body.as_bytes())
        .unwrap()
        .track
        .expect("the receipt signs the route");
    assert_eq!(signed, track_digest(&fixes));
    carrier
        .confirm_handover(&receiver.accept_handover(&offer).unwrap())
        .unwrap();
    let routes = carrier.routes(&codes[0]).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].verdict, RouteVerdict::Verified);
    assert_eq!(routes[0].fixes.len(), 5);
    // The receiver holds the event but not the fixes (they come with the feed).
    let routes = receiver.routes(&codes[0]).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::FixesMissing);
    assert_verifies(&mut carrier);
    assert_verifies(&mut receiver);
    // After the receipt the carrier is no longer in transit.
    let e = carrier
        .record_fixes(&manifest_number(), &[fix(yima_device::Clock::now(&&c), 9)])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotInTransit);
}

#[test]
fn a_receipt_without_fixes_signs_no_track() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (mut producer, mut carrier, mut receiver) = chain(dir.path(), &c);
    let codes = dispatched(&mut producer, 1);
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    c.advance(HOUR);
    let offer = carrier
        .offer_handover(&codes, &receiver.identity().unwrap(), receive(), None, None)
        .unwrap();
    assert_eq!(
        yima_core::decode(offer.event.body.as_bytes())
            .unwrap()
            .track,
        None
    );
    carrier
        .confirm_handover(&receiver.accept_handover(&offer).unwrap())
        .unwrap();
    let routes = receiver.routes(&codes[0]).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::NoTrack);
}

#[test]
fn pulled_fixes_are_kept_only_when_they_hash_to_the_signed_track() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (mut producer, mut carrier, mut receiver) = chain(dir.path(), &c);
    let mut other = init(&dir.path().join("o"), Role::Receiver, &receiver_org(), &c);
    let codes = dispatched(&mut producer, 1);
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let picked = yima_device::Clock::now(&&c);
    let fixes: Vec<Fix> = (1..=3)
        .map(|i| fix(Timestamp(picked.0 + i64::from(i) * 60_000), i))
        .collect();
    c.advance(HOUR);
    carrier.record_fixes(&manifest_number(), &fixes).unwrap();
    hand_over(&mut carrier, &mut receiver, &codes, receive());
    // Another device of the receiver's learns every event from the feed, the receipt with
    // fixes beside it that differ from the signed route at the core level (one moved).
    feed(&mut producer, &mut other);
    let mut entries = feed_entries(&mut receiver);
    let mut carrier_entries = feed_entries(&mut carrier);
    carrier_entries.retain(|e| !entries.iter().any(|r| r.event.id == e.event.id));
    carrier_entries.append(&mut entries);
    let mut entries = carrier_entries;
    let receipt = entries
        .iter()
        .position(|e| e.event.body.contains("\"track\":{"))
        .expect("the receipt signs the route");
    let mut moved = fixes.clone();
    moved[1].lon_e7 += 1;
    entries[receipt].fixes = Some(moved);
    let pulled = other.store_pulled(&entries, 99).unwrap();
    assert_eq!(pulled.fixes, 0);
    let routes = other.routes(&codes[0]).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::FixesMissing, "{routes:?}");
    // The signed route itself, pulled again beside the receipt: kept, verified.
    entries[receipt].fixes = Some(fixes.clone());
    let pulled = other.store_pulled(&entries, 100).unwrap();
    assert_eq!(pulled.fixes, 3);
    let routes = other.routes(&codes[0]).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::Verified, "{routes:?}");
    assert_eq!(routes[0].fixes.len(), 3);
}

#[test]
fn a_location_source_records_for_every_transport_in_progress_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (mut producer, mut carrier, mut receiver) = chain(dir.path(), &c);
    let start = yima_device::Clock::now(&&c);
    let fixes: Vec<Fix> = (0..6)
        .map(|i| fix(Timestamp(start.0 + i64::from(i) * 600_000), i))
        .collect();
    // Nothing in transit yet: nothing recorded, no error; a producer's device is refused.
    assert!(carrier.record_route(&fixes).unwrap().is_empty());
    let e = producer.record_route(&fixes).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotInTransit);
    let codes = dispatched(&mut producer, 2);
    c.advance(HOUR / 4);
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let picked = yima_device::Clock::now(&&c);
    c.advance(HOUR);
    // Only the fixes from the pickup to now, under the one manifest in transit.
    let expected = fixes.iter().filter(|f| f.at >= picked).count();
    assert!(expected > 1 && expected < fixes.len(), "{expected}");
    let got = carrier.record_route(&fixes).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].manifest, manifest_number().to_string());
    assert_eq!((got[0].added, got[0].held), (expected, expected));
    // Read again (a file polled): nothing new, the same held.
    let got = carrier.record_route(&fixes).unwrap();
    assert_eq!((got[0].added, got[0].held), (0, expected));
    hand_over(&mut carrier, &mut receiver, &codes, receive());
    // Delivered: nothing in transit any more, nothing recorded.
    assert!(carrier.record_route(&fixes).unwrap().is_empty());
    let routes = carrier.routes(&codes[1]).unwrap();
    assert_eq!(routes[0].verdict, RouteVerdict::Verified);
    assert_eq!(routes[0].fixes.len(), expected);
}
