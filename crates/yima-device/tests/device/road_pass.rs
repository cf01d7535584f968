//! The road pass: made only by a carrier for what it carries in transit under a manifest,
//! read offline by an inspector with or without a device, refused once expired or when
//! its key is known to belong to someone else.

use crate::common::*;
use yima_core::{Role, Timestamp, ROAD_PASS_PREFIX};
use yima_device::{read_road_pass, Clock, ErrorKind, IdentityCard, PassKey};

#[test]
fn a_carrier_shows_its_load_and_an_inspector_reads_it_offline() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let mut producer = init(&dir.path().join("p"), Role::Producer, &producer_org(), &c);
    let mut carrier = init(&dir.path().join("c"), Role::Carrier, &carrier_org(), &c);
    let mut regulator = init(&dir.path().join("g"), Role::Regulator, &regulator_org(), &c);
    let codes = dispatched(&mut producer, 3);

    // Not picked up yet: nothing in transit, no pass. The producer makes none either.
    let e = carrier.road_pass(&manifest_number(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotInTransit, "{e}");
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let e = producer.road_pass(&manifest_number(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    let other = yima_codes::ManifestNumber::new(2025, 35, 1, 999).unwrap();
    assert_eq!(
        carrier.road_pass(&other, None).unwrap_err().kind(),
        ErrorKind::NotInTransit
    );
    for minutes in [0, 241] {
        let e = carrier
            .road_pass(&manifest_number(), Some(minutes))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
    }

    let shown = carrier.road_pass(&manifest_number(), None).unwrap();
    assert!(shown.text.starts_with(ROAD_PASS_PREFIX));
    assert_eq!(shown.containers, 3);
    assert_eq!(shown.expires_at - shown.issued_at, 30 * 60_000);

    // An inspector without a device: the content, the key not known.
    let now = Clock::now(&&c);
    let view = read_road_pass(&shown.text, now).unwrap();
    assert_eq!(view.key, PassKey::Unknown);
    assert_eq!(view.carrier_name, None);
    assert_eq!(view.manifest, manifest_number().to_string());
    assert_eq!(view.carrier, carrier_org().credit_code.to_string());
    assert_eq!(view.sender, producer_org().credit_code.to_string());
    assert_eq!(view.vehicle_plate, "闽A·D1234");
    let mut sorted: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    sorted.sort();
    let listed: Vec<String> = view.lines.iter().map(|l| l.code.clone()).collect();
    assert_eq!(listed, sorted);
    assert!(view.lines.iter().all(|l| !l.waste_name.is_empty()));
    assert_eq!(view.lines[0].quantity, "20 kg");

    // A regulator's device that knows the carrier's key: the carrier's word, named.
    regulator.add_known(&carrier.identity().unwrap()).unwrap();
    let view = regulator.read_road_pass(&shown.text).unwrap();
    assert_eq!(view.key, PassKey::Known);
    assert_eq!(view.carrier_name, Some(carrier_org().name));

    // Thirty minutes on, it is refused, nothing of it shown.
    c.advance(30 * 60_000);
    let e = regulator.read_road_pass(&shown.text).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRoadPass, "{e}");
    assert!(e.message(yima_codes::Lang::Zh).contains("过期"));
    let e = read_road_pass(&shown.text, Clock::now(&&c)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRoadPass);

    // Delivered: no longer in transit, no pass.
    let mut receiver = init(&dir.path().join("r"), Role::Receiver, &receiver_org(), &c);
    hand_over(&mut carrier, &mut receiver, &codes, receive());
    let e = carrier.road_pass(&manifest_number(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotInTransit);
}

#[test]
fn a_pass_whose_key_the_reader_knows_as_another_organisations_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let mut producer = init(&dir.path().join("p"), Role::Producer, &producer_org(), &c);
    let mut carrier = init(&dir.path().join("c"), Role::Carrier, &carrier_org(), &c);
    let mut inspector = init(&dir.path().join("g"), Role::Regulator, &regulator_org(), &c);
    let codes = dispatched(&mut producer, 1);
    hand_over(&mut producer, &mut carrier, &codes, pickup());
    let shown = carrier.road_pass(&manifest_number(), Some(10)).unwrap();

    // The inspector's directory has this key as another carrier's device.
    let card = carrier.identity().unwrap();
    let elsewhere = IdentityCard {
        org: carrier2_org(),
        ..card
    };
    inspector.add_known(&elsewhere).unwrap();
    let e = inspector.read_road_pass(&shown.text).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRoadPass, "{e}");

    // Any text that is not a pass: refused the same way, nothing shown.
    for text in ["", "YIMA1:X", &shown.text[..shown.text.len() - 3]] {
        let e = read_road_pass(text, Timestamp(0)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadRoadPass, "{text}: {e}");
    }
}
