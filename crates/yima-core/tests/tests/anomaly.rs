//! The anomaly rules over chains built in the test world: each fires exactly when it should,
//! at its boundary, and not otherwise.

use crate::harness::{kg, Who, World, MINUTE, T0};
use yima_core::yima_codes::{LabelCode, ManifestNumber};
use yima_core::{
    anomalies, next_deadline, track_digest, AnomalyConfig, AnomalyRule, EventKind, Fix, Quantity,
    SignedEvent, Timestamp, TransportFixes, WeighMethod,
};

pub(crate) const HOUR: i64 = 60 * MINUTE;

pub(crate) fn chain(w: &World, c: &LabelCode) -> Vec<SignedEvent> {
    w.events
        .iter()
        .filter(|e| e.body.link(c).is_some())
        .cloned()
        .collect()
}

pub(crate) fn rules_at(
    w: &World,
    c: &LabelCode,
    fixes: &[TransportFixes],
    now: i64,
) -> Vec<AnomalyRule> {
    rules_with(w, c, fixes, now, &AnomalyConfig::default())
}

pub(crate) fn rules_with(
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

pub(crate) fn fix(at: i64, lat_e7: i32, lon_e7: i32) -> Fix {
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
