//! `Device::anomalies` over a real custody flow: exactly the anomalies injected.

use crate::common::*;
use yima_core::{AnomalyRule, Role, Timestamp};
use yima_device::Clock;
use yima_device::{Action, ErrorKind};

const DAY: i64 = 24 * HOUR;

#[test]
fn a_real_flow_shows_exactly_the_injected_anomalies() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    // Two drums of 20 and 21 kg, weighed as labelled, dispatched, picked up on New Year's
    // Day 2025: receipt is due by the end of 8 January (China time).
    let codes = dispatched(&mut p, 2);
    let (a, b) = (codes[0].clone(), codes[1].clone());
    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    assert_eq!(p.anomalies(clock.now()).unwrap(), vec![]);
    // Drum a is received the next day (the carrier recorded no route) and weighs 15 kg at
    // the receiver: 5 kg short, beyond the 0.5 kg tolerance.
    clock.advance(DAY);
    hand_over(&mut c, &mut r, std::slice::from_ref(&a), receive());
    r.record(&req(std::slice::from_ref(&a), weighing("15")))
        .unwrap();
    r.record(&req(
        std::slice::from_ref(&a),
        Action::Accept {
            quantity: Some(q("15")),
        },
    ))
    .unwrap();
    // Disposed of; a step after it is refused by the state table, so nothing is stored.
    r.record(&req(
        std::slice::from_ref(&a),
        Action::Dispose {
            method: "D10".into(),
            mode: None,
            completed_at: None,
        },
    ))
    .unwrap();
    let e = r
        .record(&req(std::slice::from_ref(&a), store()))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");

    // Just before the deadline, b is not overdue; at it, it is.
    let due = Timestamp(1_736_352_000_000); // 2025-01-08T16:00Z, midnight China time
    let rules = |dev: &mut Dev<'_>, now: Timestamp| -> Vec<(String, AnomalyRule)> {
        dev.anomalies(now)
            .unwrap()
            .into_iter()
            .map(|x| (x.container.to_string(), x.rule))
            .collect()
    };
    let mut on_r = rules(&mut r, Timestamp(due.0 - 1));
    on_r.sort();
    let mut expected = vec![
        (a.to_string(), AnomalyRule::WeightDiscrepancy),
        (a.to_string(), AnomalyRule::TrackMissing),
    ];
    expected.sort();
    assert_eq!(on_r, expected);
    assert_eq!(
        rules(&mut c, due),
        vec![
            (a.to_string(), AnomalyRule::TrackMissing),
            (b.to_string(), AnomalyRule::ReceiptOverdue),
        ]
    );
    assert_eq!(
        rules(&mut c, Timestamp(due.0 - 1)),
        vec![(a.to_string(), AnomalyRule::TrackMissing)]
    );
}
