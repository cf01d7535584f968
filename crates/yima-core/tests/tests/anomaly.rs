//! The anomaly rules over chains built in the test world: each fires exactly when it should,
//! at its boundary, and not otherwise.

use crate::harness::{kg, Who, World, MINUTE, T0};
use yima_core::yima_codes::{LabelCode, ManifestNumber};
use yima_core::{
    anomalies, fork_anomalies, next_deadline, off_manifest, refused_anomalies, track_digest,
    AnomalyConfig, AnomalyRule, EventKind, Fix, ForkedEvent, Quantity, RefusedEvent, RefusedWhy,
    SignedEvent, Timestamp, TransportFixes, WeighMethod,
};

const HOUR: i64 = 60 * MINUTE;

fn chain(w: &World, c: &LabelCode) -> Vec<SignedEvent> {
    w.events
        .iter()
        .filter(|e| e.body.link(c).is_some())
        .cloned()
        .collect()
}

fn rules_at(w: &World, c: &LabelCode, fixes: &[TransportFixes], now: i64) -> Vec<AnomalyRule> {
    rules_with(w, c, fixes, now, &AnomalyConfig::default())
}

fn rules_with(
    w: &World,
    c: &LabelCode,
    fixes: &[TransportFixes],
    now: i64,
    config: &AnomalyConfig,
) -> Vec<AnomalyRule> {
    anomalies(c, &chain(w, c), fixes, Timestamp(now), config)
        .into_iter()
        .map(|a| a.rule)
        .collect()
}

fn weigh(w: &mut World, by: Who, c: &LabelCode, amount: &str) -> SignedEvent {
    w.record(
        by,
        EventKind::Weighing {
            discrepancy: None,
            measured: kg(amount),
            method: WeighMethod::Scale,
            scale: None,
            weigher: "林娜".into(),
        },
        &[c],
    )
}

/// A container dispatched, picked up and received, with a track on the receipt so that no
/// route rule fires.
fn delivered(w: &mut World) -> (LabelCode, ManifestNumber) {
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    let event = EventKind::Received {
        giver: w.actor(Who::Carrier),
        manifest: m.number.clone(),
    };
    let mut body = w.draft(Who::Receiver, Who::Receiver, event, &[&c]);
    body.track = Some(track_digest(&[fix(body.at.0 - MINUTE, 0, 0)]));
    w.seal(body);
    (c, m.number)
}

fn fix(at: i64, lat_e7: i32, lon_e7: i32) -> Fix {
    Fix {
        at: Timestamp(at),
        lat_e7,
        lon_e7,
        accuracy_m: None,
    }
}

#[test]
fn a_weighing_by_a_new_holder_beyond_the_tolerance_is_a_weight_discrepancy() {
    // Declared 200 kg: the tolerance is 4 kg. 196 kg is within it, 195.999 kg beyond.
    let mut w = World::new();
    let (within, _) = delivered(&mut w);
    weigh(&mut w, Who::Receiver, &within, "196");
    let (beyond, _) = delivered(&mut w);
    let e = weigh(&mut w, Who::Receiver, &beyond, "195.999");
    let now = w.clock;
    assert_eq!(rules_at(&w, &within, &[], now), vec![]);
    let found = anomalies(
        &beyond,
        &chain(&w, &beyond),
        &[],
        Timestamp(now),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, AnomalyRule::WeightDiscrepancy);
    assert_eq!(found[0].event, Some(e.id));
    assert!(found[0].en.contains("-4.001 kg"), "{}", found[0].en);
    assert!(found[0].zh.contains("差异"), "{}", found[0].zh);
}

#[test]
fn a_holder_reweighing_its_own_waste_is_not_a_custody_change() {
    let mut w = World::new();
    // The producer weighs 150 kg of a drum it declared 200 kg: its own figures.
    let c = w.generate();
    weigh(&mut w, Who::Producer, &c, "150");
    // The receiver weighs 150 after receipt (the producer's figure): no difference; then
    // weighs 100 itself: its own figure again.
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    let mut body = w.draft(
        Who::Receiver,
        Who::Receiver,
        EventKind::Received {
            giver: w.actor(Who::Carrier),
            manifest: m.number.clone(),
        },
        &[&c],
    );
    body.track = Some(track_digest(&[fix(body.at.0, 0, 0)]));
    w.seal(body);
    weigh(&mut w, Who::Receiver, &c, "150");
    weigh(&mut w, Who::Receiver, &c, "100");
    assert_eq!(rules_at(&w, &c, &[], w.clock), vec![]);
    // Against the producer's 150 kg, not the declared 200 kg: a carrier weighing 153 kg
    // (within 3 kg) would pass, 153.001 would not.
    let mut w = World::new();
    let c = w.generate();
    weigh(&mut w, Who::Producer, &c, "150");
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    weigh(&mut w, Who::Carrier, &c, "153");
    assert_eq!(rules_at(&w, &c, &[], w.clock), vec![]);
    weigh(&mut w, Who::Carrier, &c, "200");
    // The carrier's second weighing is against its own 153 kg: no custody change.
    assert_eq!(rules_at(&w, &c, &[], w.clock), vec![]);
}

/// 2024-03-01 (T0's China day) is a Friday: the 5 working days are 4–8 March, so receipt is
/// due before midnight China time on 8 March, 2024-03-08T16:00Z.
const RECEIPT_DUE: i64 = 1_709_913_600_000;

#[test]
fn receipt_is_overdue_from_the_end_of_the_fifth_working_day() {
    assert_eq!(
        Timestamp(RECEIPT_DUE).to_string(),
        "2024-03-08T16:00:00.000Z"
    );
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(Timestamp(w.clock).china_date().to_string(), "2024-03-01");
    assert_eq!(rules_at(&w, &c, &[], RECEIPT_DUE - 1), vec![]);
    let found = anomalies(
        &c,
        &chain(&w, &c),
        &[],
        Timestamp(RECEIPT_DUE),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, AnomalyRule::ReceiptOverdue);
    assert_eq!(found[0].due, Some(Timestamp(RECEIPT_DUE)));
    // Received in the last millisecond: met, whenever judged.
    let mut on_time = World::new();
    let c = on_time.generate();
    let m = on_time.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    on_time.dispatch(Who::Producer, &m, &[&c]);
    on_time.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    on_time.clock = RECEIPT_DUE - 1 - MINUTE;
    on_time.receive(Who::Receiver, Who::Carrier, &m.number, &[&c]);
    let late_now = RECEIPT_DUE + 100 * HOUR;
    assert!(!rules_at(&on_time, &c, &[], late_now).contains(&AnomalyRule::ReceiptOverdue));
    // Received at the deadline: late.
    let mut late = World::new();
    let c = late.generate();
    let m = late.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    late.dispatch(Who::Producer, &m, &[&c]);
    late.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    late.clock = RECEIPT_DUE - MINUTE;
    let r = late.receive(Who::Receiver, Who::Carrier, &m.number, &[&c]);
    let found = anomalies(
        &c,
        &chain(&late, &c),
        &[],
        Timestamp(late_now),
        &AnomalyConfig::default(),
    );
    let overdue: Vec<_> = found
        .iter()
        .filter(|a| a.rule == AnomalyRule::ReceiptOverdue)
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].event, Some(r.id));
    // Never picked up: no deadline.
    let mut idle = World::new();
    let c = idle.generate();
    assert_eq!(rules_at(&idle, &c, &[], late_now), vec![]);
}

#[test]
fn any_event_after_closure_but_a_correction_is_an_anomaly() {
    let mut w = World::new();
    let c = w.generate();
    w.store(&[&c]);
    let disposed = w.dispose(Who::Producer, &[&c]);
    assert_eq!(rules_at(&w, &c, &[], w.clock), vec![]);
    w.correct(Who::Producer, disposed.id, &[&c]);
    assert_eq!(
        rules_at(&w, &c, &[], w.clock),
        vec![],
        "a correction is allowed"
    );
    let after = w.store(&[&c]);
    let found = anomalies(
        &c,
        &chain(&w, &c),
        &[],
        Timestamp(w.clock),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].rule, found[0].event),
        (AnomalyRule::EventAfterClosure, Some(after.id))
    );
    // A split's parts begin with the event that closes the source: not closed themselves.
    let mut w = World::new();
    let s = w.generate();
    w.store(&[&s]);
    let parts = w.split(Who::Producer, yima_core::ContainerState::Stored, &s, 2);
    w.store(&[&parts[0]]);
    assert_eq!(rules_at(&w, &parts[0], &[], w.clock), vec![]);
    w.store(&[&s]);
    assert_eq!(
        rules_at(&w, &s, &[], w.clock),
        vec![AnomalyRule::EventAfterClosure]
    );
}

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

/// Stored on 2024-03-01 (China): a year's storage ends at midnight China time on
/// 2025-03-01, 2025-03-01T16:00Z.
const STORAGE_DUE: i64 = 1_740_844_800_000;

#[test]
fn storage_beyond_its_limit_is_an_anomaly_while_stored() {
    assert_eq!(
        Timestamp(STORAGE_DUE).to_string(),
        "2025-03-01T16:00:00.000Z"
    );
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    assert_eq!(rules_at(&w, &c, &[], STORAGE_DUE - 1), vec![]);
    let found = anomalies(
        &c,
        &chain(&w, &c),
        &[],
        Timestamp(STORAGE_DUE),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].rule, found[0].event),
        (AnomalyRule::StorageOverdue, Some(stored.id))
    );
    // The facility's own limit (ZC001: 6 months, to 2024-09-01).
    let mut six = AnomalyConfig::default();
    six.storage_months_by_facility.insert("ZC001".into(), 6);
    let sept = 1_725_206_400_000; // 2024-09-01T16:00Z
    assert_eq!(rules_with(&w, &c, &[], sept - 1, &six), vec![]);
    assert_eq!(
        rules_with(&w, &c, &[], sept, &six),
        vec![AnomalyRule::StorageOverdue]
    );
    // Out of storage, the limit no longer runs (the manifest, never closed, is late).
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    assert_eq!(
        rules_at(&w, &c, &[], STORAGE_DUE),
        vec![AnomalyRule::ManifestNotClosed]
    );
}

#[test]
fn a_clean_delivery_has_no_anomaly() {
    let mut w = World::new();
    let (c, _) = delivered(&mut w);
    let q: Quantity = kg("200");
    w.record(Who::Receiver, EventKind::Accepted { quantity: q }, &[&c]);
    w.dispose(Who::Receiver, &[&c]);
    assert_eq!(rules_at(&w, &c, &[], w.clock + 1000 * 24 * HOUR), vec![]);
}

#[test]
fn the_next_deadline_is_the_receipt_due_while_unreceived_and_the_storage_limit_while_stored() {
    let config = AnomalyConfig::default();
    // Picked up on a Friday: judge again when the receipt falls due, not after.
    let mut w = World::new();
    let c = w.generate();
    assert_eq!(
        next_deadline(&c, &chain(&w, &c), Timestamp(T0), &config),
        None
    );
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    w.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    let events = chain(&w, &c);
    let now = Timestamp(w.clock);
    assert_eq!(
        next_deadline(&c, &events, now, &config),
        Some(Timestamp(RECEIPT_DUE))
    );
    // Judged at the deadline, the manifest's closing runs after it: the receipt has fired.
    assert_eq!(
        next_deadline(&c, &events, Timestamp(RECEIPT_DUE), &config),
        Some(Timestamp(MANIFEST_DUE))
    );
    assert!(rules_at(&w, &c, &[], RECEIPT_DUE).contains(&AnomalyRule::ReceiptOverdue));
    // Received: only the manifest's closing runs; accepted, nothing.
    w.receive(Who::Receiver, Who::Carrier, &m.number, &[&c]);
    assert_eq!(
        next_deadline(&c, &chain(&w, &c), now, &config),
        Some(Timestamp(MANIFEST_DUE))
    );
    w.accept(Who::Receiver, &[&c]);
    assert_eq!(next_deadline(&c, &chain(&w, &c), now, &config), None);

    // Stored: the storage limit; dispatched out of storage: none.
    let mut s = World::new();
    let c = s.generate();
    s.store(&[&c]);
    assert_eq!(
        next_deadline(&c, &chain(&s, &c), Timestamp(s.clock), &config),
        Some(Timestamp(STORAGE_DUE))
    );
    let m = s.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    s.dispatch(Who::Producer, &m, &[&c]);
    assert_eq!(
        next_deadline(&c, &chain(&s, &c), Timestamp(s.clock), &config),
        Some(Timestamp(MANIFEST_DUE))
    );
}

/// 2024-03-15T16:00Z: the end of the 10th working day (China) after Friday 2024-03-01.
const MANIFEST_DUE: i64 = 1_710_518_400_000;

#[test]
fn a_manifest_not_closed_by_the_end_of_the_tenth_working_day_after_dispatch_is_an_anomaly() {
    assert_eq!(
        Timestamp(MANIFEST_DUE).to_string(),
        "2024-03-15T16:00:00.000Z"
    );
    // Dispatched, never picked up: open until the deadline, late from it, the dispatch named.
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let dispatch = w.dispatch(Who::Producer, &m, &[&c]);
    assert_eq!(Timestamp(w.clock).china_date().to_string(), "2024-03-01");
    assert_eq!(rules_at(&w, &c, &[], MANIFEST_DUE - 1), vec![]);
    let found = anomalies(
        &c,
        &chain(&w, &c),
        &[],
        Timestamp(MANIFEST_DUE),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, AnomalyRule::ManifestNotClosed);
    assert_eq!(found[0].event, Some(dispatch.id));
    assert_eq!(found[0].due, Some(Timestamp(MANIFEST_DUE)));
    assert!(
        found[0].en.contains(&m.number.to_string()),
        "{}",
        found[0].en
    );
    assert!(found[0].zh.contains("未办结"), "{}", found[0].zh);
    // Taken back into store before any pickup: closed, whenever judged.
    w.store(&[&c]);
    assert_eq!(rules_at(&w, &c, &[], MANIFEST_DUE + 100 * HOUR), vec![]);

    // Received on time, the verdict in the last minute: closed.
    let mut on_time = World::new();
    let (c, _) = delivered(&mut on_time);
    on_time.clock = MANIFEST_DUE - 2 * MINUTE;
    on_time.accept(Who::Receiver, &[&c]);
    assert_eq!(
        rules_at(&on_time, &c, &[], MANIFEST_DUE + 100 * HOUR),
        vec![]
    );
    // Received on time, accepted at the deadline: late, the acceptance named; the receipt
    // itself was on time.
    let mut late = World::new();
    let (c, _) = delivered(&mut late);
    late.clock = MANIFEST_DUE - MINUTE;
    let verdict = late.accept(Who::Receiver, &[&c]);
    let found = anomalies(
        &c,
        &chain(&late, &c),
        &[],
        Timestamp(MANIFEST_DUE + 100 * HOUR),
        &AnomalyConfig::default(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].rule, found[0].event),
        (AnomalyRule::ManifestNotClosed, Some(verdict.id))
    );
    // Refused and returned: the refusal closes it.
    let mut refused = World::new();
    let (c, _) = delivered(&mut refused);
    refused.refuse(Who::Receiver, &[&c]);
    assert_eq!(
        rules_at(&refused, &c, &[], MANIFEST_DUE + 100 * HOUR),
        vec![]
    );
    // Picked up and never received: the receipt and the manifest are both late.
    let mut lost = World::new();
    let c = lost.generate();
    let m = lost.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    lost.dispatch(Who::Producer, &m, &[&c]);
    lost.pick_up(Who::Carrier, Who::Producer, &m.number, &[&c]);
    assert_eq!(
        rules_at(&lost, &c, &[], MANIFEST_DUE),
        vec![AnomalyRule::ReceiptOverdue, AnomalyRule::ManifestNotClosed]
    );
    // Never dispatched: no manifest, no deadline.
    let mut idle = World::new();
    let c = idle.generate();
    assert_eq!(rules_at(&idle, &c, &[], MANIFEST_DUE + 100 * HOUR), vec![]);
}

#[test]
fn each_forked_event_is_one_fork_anomaly_and_none_without() {
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    assert!(fork_anomalies(&c, &[]).is_empty());
    let rival = w.events[0].id;
    let found = fork_anomalies(
        &c,
        &[ForkedEvent {
            event: stored.id,
            rival,
            at: stored.body.at,
            step: stored.body.step(),
        }],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, AnomalyRule::Fork);
    assert_eq!(found[0].event, Some(stored.id));
    assert_eq!(found[0].since, stored.body.at);
    assert!(found[0].en.contains(&rival.short()), "{}", found[0].en);
    assert!(found[0].zh.contains("分叉") || found[0].zh.contains("同一环节"));
}

#[test]
fn each_refused_event_is_one_anomaly_of_its_kind_and_none_without() {
    let mut w = World::new();
    let c = w.generate();
    let stored = w.store(&[&c]);
    assert!(refused_anomalies(&c, &[]).is_empty());
    let refused = |why| RefusedEvent {
        event: stored.id,
        why,
        at: stored.body.at,
        reason: "signed by a stranger".into(),
    };
    let found = refused_anomalies(
        &c,
        &[
            refused(RefusedWhy::Signature),
            refused(RefusedWhy::Key),
            refused(RefusedWhy::Revoked),
            refused(RefusedWhy::Manifest),
        ],
    );
    let rules: Vec<AnomalyRule> = found.iter().map(|a| a.rule).collect();
    assert_eq!(
        rules,
        vec![
            AnomalyRule::BadSignature,
            AnomalyRule::WrongKey,
            AnomalyRule::RevokedKey,
            AnomalyRule::NotOnManifest
        ]
    );
    assert!(found.iter().all(|a| a.event == Some(stored.id)
        && a.since == stored.body.at
        && a.en.contains("signed by a stranger")));
    // A verified chain alone never shows them: they come only from refused events.
    assert!(rules_at(&w, &c, &[], T0 + HOUR).iter().all(|r| !matches!(
        r,
        AnomalyRule::BadSignature
            | AnomalyRule::WrongKey
            | AnomalyRule::RevokedKey
            | AnomalyRule::NotOnManifest
    )));
}

#[test]
fn a_load_under_another_manifest_or_by_a_party_off_it_is_off_manifest_and_nothing_else_is() {
    let mut w = World::new();
    let c = w.generate();
    let m = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    w.dispatch(Who::Producer, &m, &[&c]);
    let before = yima_core::apply(None, w.events[0].id, &w.events[0].body, &c)
        .and_then(|s| yima_core::apply(Some(&s), w.events[1].id, &w.events[1].body, &c))
        .expect("generated and dispatched");
    let refusal = |w: &mut World, by: Who, giver: Who, number: &ManifestNumber| {
        let kind = w.picked_up_kind(giver, number);
        let body = w.draft(by, by, kind, &[&c]);
        let id = w.sign(body.clone(), &[by, giver]).id;
        (
            yima_core::apply(Some(&before), id, &body, &c).expect_err("refused"),
            body,
        )
    };
    // Picked up under another manifest number.
    let other = w.manifest(Who::Producer, Who::Carrier, Who::Receiver);
    let (err, body) = refusal(&mut w, Who::Carrier, Who::Producer, &other.number);
    assert!(off_manifest(&body, &err), "{err}");
    // Picked up by the right carrier under the right manifest: accepted, nothing to judge.
    let kind = w.picked_up_kind(Who::Producer, &m.number);
    let body = w.draft(Who::Carrier, Who::Carrier, kind, &[&c]);
    assert!(yima_core::apply(
        Some(&before),
        w.sign(body.clone(), &[Who::Carrier]).id,
        &body,
        &c
    )
    .is_ok());
    // Refused for another reason (the giver does not hold it): not this rule.
    let (err, body) = refusal(&mut w, Who::Carrier, Who::Receiver, &m.number);
    assert!(!off_manifest(&body, &err), "{err}");
    // A refusal of another step, even one naming a manifest: not a load.
    let batch = w.batch(yima_core::yima_codes::BatchKind::IntoStore);
    let stored = w.draft(
        Who::Producer,
        Who::Producer,
        EventKind::Stored {
            batch,
            facility_code: "ZC001".into(),
        },
        &[&c],
    );
    assert!(!off_manifest(
        &stored,
        &yima_core::CustodyError::Manifest("any".into())
    ));
}
