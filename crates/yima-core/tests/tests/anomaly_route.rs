//! The route rules over chains built in the test world: relay gaps, a missing track, track
//! gaps and a fix off the corridor, each at its boundary.

use crate::anomaly::{chain, fix, rules_at, rules_with, HOUR};
use crate::harness::{Who, World, MINUTE, T0};
use yima_core::yima_codes::LabelCode;
use yima_core::{
    anomalies, track_digest, AnomalyConfig, AnomalyRule, EventKind, Fix, Timestamp, TransportFixes,
};

/// A relay at `relay_at` from Carrier to Carrier2, each with a signed track: the giver's
/// `giver` fixes end the first leg, the taker's `taker` fixes the receipt.
fn relayed(giver: &[Fix], taker: &[Fix], relay_at: i64) -> (World, LabelCode, Vec<TransportFixes>) {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    w.clock = relay_at - MINUTE;
    let event = EventKind::RelayHandover {
        driver: "王五".into(),
        giver: w.actor(Who::Carrier),
        manifest: m.number.clone(),
        permit: "闽交运管许可厦字350200000002号".into(),
        place: "沈海高速莆田服务区".into(),
        vehicle_plate: "闽D·67890".into(),
    };
    let mut body = w.draft(Who::Carrier2, Who::Carrier2, event, &[&c]);
    body.track = Some(track_digest(giver));
    let relay = w.seal(body);
    w.clock = taker.last().unwrap().at.0;
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier2),
        manifest: m.number.clone(),
    };
    let mut body = w.draft(Who::Receiver, Who::Receiver, event, &[&c]);
    body.track = Some(track_digest(taker));
    let receipt = w.seal(body);
    let fixes = vec![
        TransportFixes {
            ended_by: relay.id,
            fixes: giver.to_vec(),
        },
        TransportFixes {
            ended_by: receipt.id,
            fixes: taker.to_vec(),
        },
    ];
    (w, c, fixes)
}

// Along the 26th parallel near Fuzhou, 0.01° of longitude apart (about 1 km).
const LAT: i32 = 260_000_000;
const LON: i32 = 1_193_000_000;

fn leg(from: i64, n: i64, lon0: i32) -> Vec<Fix> {
    (0..n)
        .map(|i| fix(from + i * 10 * MINUTE, LAT, lon0 + i as i32 * 100_000))
        .collect()
}

#[test]
fn a_relay_fires_on_a_gap_in_time_or_place_beyond_the_limits() {
    let relay_at = T0 + 10 * HOUR;
    let day = 24 * HOUR;
    // The giver's track ends exactly 24 h before: within. The taker starts where it ended.
    let giver = leg(relay_at - day - 30 * MINUTE, 4, LON);
    let end = giver.last().unwrap().lon_e7;
    let taker = leg(relay_at + day, 3, end);
    let (w, c, fixes) = relayed(&giver, &taker, relay_at);
    assert_eq!(rules_at(&w, &c, &fixes, relay_at + 2 * day), vec![]);
    // One millisecond more, before or after.
    let giver_early = leg(relay_at - day - 30 * MINUTE - 1, 4, LON);
    let (w, c, fixes) = relayed(&giver_early, &taker, relay_at);
    assert_eq!(
        rules_at(&w, &c, &fixes, relay_at + 2 * day),
        vec![AnomalyRule::RelayGap]
    );
    let taker_late = leg(relay_at + day + 1, 3, end);
    let (w, c, fixes) = relayed(&giver, &taker_late, relay_at);
    assert_eq!(
        rules_at(&w, &c, &fixes, relay_at + 2 * day),
        vec![AnomalyRule::RelayGap]
    );
    // In place: the taker starts 0.05° (about 5.0 km) east: within 5 km? 0.05° at 26° N is
    // 4.997 km, within; 0.06° is 5.996 km, beyond.
    let (w, c, fixes) = relayed(&giver, &leg(relay_at + HOUR, 3, end + 500_000), relay_at);
    assert_eq!(rules_at(&w, &c, &fixes, relay_at + 2 * day), vec![]);
    let (w, c, fixes) = relayed(&giver, &leg(relay_at + HOUR, 3, end + 600_000), relay_at);
    assert_eq!(
        rules_at(&w, &c, &fixes, relay_at + 2 * day),
        vec![AnomalyRule::RelayGap]
    );
    // Without the fixes held, the place is not judged.
    assert_eq!(rules_at(&w, &c, &[], relay_at + 2 * day), vec![]);
}

#[test]
fn a_transport_ended_with_no_track_is_an_anomaly_one_in_progress_is_not() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(rules_at(&w, &c, &[], w.clock), vec![]);
    let r = w.receive(Who::Receiver, Who::Carrier, &m.number, &[&c]);
    let found = anomalies(
        &c,
        &chain(&w, &c),
        &[],
        Timestamp(w.clock),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].rule, found[0].event),
        (AnomalyRule::TrackMissing, Some(r.id))
    );
}

fn received_with(track: &[Fix]) -> (World, LabelCode, Vec<TransportFixes>) {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    w.clock = track.last().unwrap().at.0;
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier),
        manifest: m.number.clone(),
    };
    let mut body = w.draft(Who::Receiver, Who::Receiver, event, &[&c]);
    body.track = Some(track_digest(track));
    let r = w.seal(body);
    let fixes = vec![TransportFixes {
        ended_by: r.id,
        fixes: track.to_vec(),
    }];
    (w, c, fixes)
}

#[test]
fn fixes_further_apart_than_thirty_minutes_are_a_track_gap() {
    let start = T0 + HOUR;
    let ok = vec![
        fix(start, LAT, LON),
        fix(start + 30 * MINUTE, LAT, LON + 100_000),
    ];
    let (w, c, fixes) = received_with(&ok);
    assert_eq!(rules_at(&w, &c, &fixes, w.clock), vec![]);
    let gap = vec![
        fix(start, LAT, LON),
        fix(start + 30 * MINUTE + 1, LAT, LON + 100_000),
    ];
    let (w, c, fixes) = received_with(&gap);
    assert_eq!(
        rules_at(&w, &c, &fixes, w.clock),
        vec![AnomalyRule::TrackGap]
    );
    // Fixes that are not the signed track are not judged.
    let other = vec![TransportFixes {
        ended_by: fixes[0].ended_by,
        fixes: ok.clone(),
    }];
    assert_eq!(rules_at(&w, &c, &other, w.clock), vec![]);
}

#[test]
fn a_fix_beyond_twenty_kilometres_of_the_line_between_the_ends_is_off_the_corridor() {
    let start = T0 + HOUR;
    // 0.1798° of latitude is 19.99 km; 0.1800° is 20.01 km.
    let with_middle = |dlat: i32| {
        vec![
            fix(start, LAT, LON),
            fix(start + 10 * MINUTE, LAT + dlat, LON + 1_000_000),
            fix(start + 20 * MINUTE, LAT, LON + 2_000_000),
        ]
    };
    let (w, c, fixes) = received_with(&with_middle(1_798_000));
    assert_eq!(rules_at(&w, &c, &fixes, w.clock), vec![]);
    let (w, c, fixes) = received_with(&with_middle(-1_800_000));
    assert_eq!(
        rules_at(&w, &c, &fixes, w.clock),
        vec![AnomalyRule::OffCorridor]
    );
    let narrow = AnomalyConfig {
        corridor_m: 1_000,
        ..AnomalyConfig::default()
    };
    let (w, c, fixes) = received_with(&with_middle(100_000));
    assert_eq!(rules_at(&w, &c, &fixes, w.clock), vec![]);
    assert_eq!(
        rules_with(&w, &c, &fixes, w.clock, &narrow),
        vec![AnomalyRule::OffCorridor]
    );
}
