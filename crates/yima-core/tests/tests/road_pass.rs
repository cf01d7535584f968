//! The road pass: issued only for containers in transit with the signing carrier under one
//! manifest, for a bounded time; its text round-trips; an altered, expired, early or
//! non-carrier pass is refused; parsing never panics.

use crate::harness::{Who, World, MINUTE, T0};
use proptest::prelude::*;
use yima_core::yima_codes::LabelCode;
use yima_core::{
    ContainerStatus, RoadPass, RoadPassError, Timestamp, MAX_QR_TEXT, ROAD_PASS_MAX_MINUTES,
    ROAD_PASS_PREFIX,
};

/// `n` containers picked up by the carrier under one manifest: the world and their statuses.
fn in_transit(n: usize) -> (World, Vec<ContainerStatus>) {
    let mut w = World::new();
    let codes: Vec<LabelCode> = (0..n).map(|_| w.generate()).collect();
    let refs: Vec<&LabelCode> = codes.iter().collect();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &refs);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &refs);
    let report = w.verify_clean();
    let statuses = codes.iter().map(|c| report.statuses[c].clone()).collect();
    (w, statuses)
}

fn now() -> Timestamp {
    Timestamp(T0 + 24 * 60 * MINUTE)
}

fn issue(w: &World, s: &[ContainerStatus], minutes: i64) -> Result<RoadPass, RoadPassError> {
    let o = w.org(Who::Carrier);
    RoadPass::for_transport(s, o.actor(), "闽A·12345", now(), minutes, &o.key)
}

#[test]
fn a_carrier_shows_its_load_and_the_text_reads_back_the_same() {
    let (w, s) = in_transit(3);
    let pass = issue(&w, &s, 30).unwrap();
    let text = pass.to_text();
    assert!(text.starts_with(ROAD_PASS_PREFIX) && text.len() <= MAX_QR_TEXT);
    let read = RoadPass::parse(&text).unwrap();
    assert_eq!(read, pass);
    assert_eq!(read.manifest, s[0].manifest.as_ref().unwrap().number);
    assert_eq!(read.sender, w.credit(Who::Producer));
    assert_eq!(read.receiver, w.credit(Who::Receiver));
    assert_eq!(read.carrier, w.actor(Who::Carrier));
    assert_eq!(read.vehicle_plate, "闽A·12345");
    assert_eq!(read.containers.len(), 3);
    let mut codes: Vec<&LabelCode> = s.iter().map(|s| &s.label.code).collect();
    codes.sort();
    let read_codes: Vec<&LabelCode> = read.containers.iter().map(|c| &c.code).collect();
    assert_eq!(read_codes, codes);
    assert_eq!(read.containers[0].quantity, s[0].quantity());
    assert_eq!(read.expires_at.0 - read.issued_at.0, 30 * MINUTE);
    assert!(read.in_transit_since.0 <= read.issued_at.0);
    assert_eq!(read.check(now()), Ok(()));
}

#[test]
fn a_pass_is_good_from_its_issue_until_its_end_and_not_after() {
    let (w, s) = in_transit(1);
    let pass = issue(&w, &s, 30).unwrap();
    let end = now().0 + 30 * MINUTE;
    assert_eq!(pass.check(Timestamp(end - 1)), Ok(()));
    assert_eq!(
        pass.check(Timestamp(end)),
        Err(RoadPassError::Expired {
            expires_at: Timestamp(end)
        })
    );
    // A reader whose clock is a little behind still reads it; far behind, it is early.
    assert_eq!(pass.check(Timestamp(now().0 - 10 * MINUTE)), Ok(()));
    assert_eq!(
        pass.check(Timestamp(now().0 - 10 * MINUTE - 1)),
        Err(RoadPassError::NotYetValid { issued_at: now() })
    );
}

#[test]
fn a_pass_is_issued_only_for_what_the_carrier_holds_in_transit() {
    // Dispatched but not picked up: not on the road yet.
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let s = vec![w.verify_clean().statuses[&c].clone()];
    assert_eq!(
        issue(&w, &s, 30),
        Err(RoadPassError::NotInTransit { code: c.clone() })
    );

    // Another carrier's device asks for a pass over this carrier's load.
    let (w, s) = in_transit(2);
    let other = w.org(Who::Carrier2);
    assert_eq!(
        RoadPass::for_transport(&s, other.actor(), "", now(), 30, &other.key),
        Err(RoadPassError::NotCarried {
            code: s[0].label.code.clone()
        })
    );
    // The producer's device is no carrier's; nor is a key other than the actor's.
    let producer = w.org(Who::Producer);
    assert_eq!(
        RoadPass::for_transport(&s, producer.actor(), "", now(), 30, &producer.key),
        Err(RoadPassError::NotCarrier)
    );
    let carrier = w.org(Who::Carrier);
    assert_eq!(
        RoadPass::for_transport(&s, carrier.actor(), "", now(), 30, &other.key),
        Err(RoadPassError::NotCarrier)
    );
    // Nothing, or too long a validity.
    assert_eq!(issue(&w, &[], 30), Err(RoadPassError::NoContainers));
    for minutes in [0, -5, ROAD_PASS_MAX_MINUTES + 1] {
        assert!(matches!(
            issue(&w, &s, minutes),
            Err(RoadPassError::Validity { .. })
        ));
    }
    assert!(issue(&w, &s, ROAD_PASS_MAX_MINUTES).is_ok());
}

#[test]
fn containers_of_two_manifests_need_two_passes() {
    let mut w = World::new();
    let a = w.generate();
    let b = w.generate();
    let m1 = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let m2 = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m1, &[&a]);
    w.dispatch(Who::Producer, &m2, &[&b]);
    w.pick_up(Who::Carrier, Who::Producer, &m1.number, &[&a]);
    w.pick_up(Who::Carrier, Who::Producer, &m2.number, &[&b]);
    let r = w.verify_clean();
    let s = vec![r.statuses[&a].clone(), r.statuses[&b].clone()];
    assert_eq!(
        issue(&w, &s, 30),
        Err(RoadPassError::OtherManifest { code: b })
    );
}

#[test]
fn as_many_containers_as_one_code_holds_and_not_one_more() {
    let max = RoadPass::max_containers();
    assert!(max >= 40, "only {max} containers fit");
    let (w, s) = in_transit(max + 1);
    let pass = issue(&w, &s[..max], 30).unwrap();
    assert!(pass.to_text().len() <= MAX_QR_TEXT);
    assert_eq!(RoadPass::parse(&pass.to_text()).unwrap(), pass);
    assert_eq!(
        issue(&w, &s, 30),
        Err(RoadPassError::TooLarge {
            containers: max + 1,
            max
        })
    );
}

#[test]
fn other_texts_are_not_passes() {
    for t in ["", "YIMA1:X", "https://example.com", "YIMA-HO1:00"] {
        assert!(matches!(
            RoadPass::parse(t),
            Err(RoadPassError::NotRoadPass { .. })
        ));
    }
    for t in [
        ROAD_PASS_PREFIX.to_string(),
        format!("{ROAD_PASS_PREFIX}ZZZ"),
    ] {
        assert!(matches!(
            RoadPass::parse(&t),
            Err(RoadPassError::Malformed { .. })
        ));
    }
}

const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any one character of a pass changed: it no longer reads, or no longer checks.
    #[test]
    fn an_altered_pass_is_refused(at in 0usize..10_000, to in 0usize..45) {
        let (w, s) = in_transit(2);
        let text = issue(&w, &s, 30).unwrap().to_text();
        let i = ROAD_PASS_PREFIX.len() + at % (text.len() - ROAD_PASS_PREFIX.len());
        let mut bytes = text.clone().into_bytes();
        prop_assume!(bytes[i] != BASE45[to]);
        bytes[i] = BASE45[to];
        let altered = String::from_utf8(bytes).unwrap();
        if let Ok(p) = RoadPass::parse(&altered) {
            prop_assert!(p.check(now()).is_err(), "{altered} still checks");
        }
    }

    #[test]
    fn reading_never_panics(tail in "[0-9A-Z $%*+./:-]{0,400}") {
        let _ = RoadPass::parse(&format!("{ROAD_PASS_PREFIX}{tail}"));
    }
}
