//! Transfer rules on the device: a manifest number that does not fit its dispatch, and a
//! manifest naming its sender as receiver, are refused with nothing stored.

use crate::common::*;
use yima_codes::{Lang, ManifestNumber};
use yima_core::{ContainerState, Role};
use yima_device::{Action, ErrorKind};

#[test]
fn dispatch_under_a_manifest_number_that_does_not_fit_is_refused_with_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let code = p.register(&drum("20")).unwrap().code;
    p.record(&req(std::slice::from_ref(&code), store()))
        .unwrap();
    let before = events(&mut p);
    // A 2019 number, one from Guangdong, one from Xiamen: the producer is registered in
    // Fuzhou (350100) and dispatches in 2025.
    for (y, prov, city) in [(2019, 35, 1), (2025, 44, 3), (2025, 35, 2)] {
        let mut m = manifest();
        m.number = ManifestNumber::new(y, prov, city, 5).unwrap();
        let e = p
            .record(&req(
                std::slice::from_ref(&code),
                Action::Dispatch {
                    manifest: m.clone(),
                    facility_code: "WS-01".into(),
                },
            ))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
        assert!(
            e.message(Lang::Zh).contains("联单编号"),
            "{}",
            e.message(Lang::Zh)
        );
        assert_eq!(events(&mut p), before);
    }
    p.record(&req(std::slice::from_ref(&code), dispatch()))
        .expect("a fitting number is accepted");
}

#[test]
fn dispatch_to_oneself_is_refused_with_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let code = p.register(&drum("20")).unwrap().code;
    let before = events(&mut p);
    let mut m = manifest();
    m.receiver = producer_org();
    let e = p
        .record(&req(
            std::slice::from_ref(&code),
            Action::Dispatch {
                manifest: m,
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(
        e.message(Lang::En).contains("receiver"),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(events(&mut p), before);
}

#[test]
fn receipt_is_due_five_working_days_after_pickup_and_flagged_when_missed() {
    use yima_device::{DeadlineStatus, HandoverStep};
    const DAY: i64 = 24 * HOUR;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let (c_id, r_id) = (c.identity().unwrap(), r.identity().unwrap());
    let codes = dispatched(&mut p, 2);
    assert_eq!(p.container(&codes[0]).unwrap().limits.receipt, None);
    // Picked up on New Year's Day 2025 (a holiday): the working days are 2, 3, 6, 7 and 8
    // January.
    clock.advance(HOUR);
    let offer = p
        .offer_handover(&codes, &c_id, pickup(), None, None)
        .unwrap();
    p.confirm_handover(&c.accept_handover(&offer).unwrap())
        .unwrap();
    let receipt = c.container(&codes[0]).unwrap().limits.receipt.unwrap();
    assert_eq!(receipt.picked_up.to_string(), "2025-01-01");
    assert_eq!(receipt.due.unwrap().to_string(), "2025-01-08");
    assert_eq!(receipt.status, DeadlineStatus::Open);
    // One received on the last day, one the day after.
    let receive = |c: &mut Dev<'_>, r: &mut Dev<'_>, code: &yima_codes::LabelCode| {
        let step = HandoverStep::Receive {
            manifest: manifest_number(),
        };
        let offer = c
            .offer_handover(std::slice::from_ref(code), &r_id, step, None, None)
            .unwrap();
        c.confirm_handover(&r.accept_handover(&offer).unwrap())
            .unwrap();
    };
    clock.advance(7 * DAY);
    receive(&mut c, &mut r, &codes[0]);
    assert_eq!(
        r.container(&codes[0])
            .unwrap()
            .limits
            .receipt
            .unwrap()
            .status,
        DeadlineStatus::Met
    );
    clock.advance(DAY);
    assert_eq!(
        c.container(&codes[1])
            .unwrap()
            .limits
            .receipt
            .unwrap()
            .status,
        DeadlineStatus::Missed,
        "not received and past the deadline"
    );
    receive(&mut c, &mut r, &codes[1]);
    let late = r.container(&codes[1]).unwrap().limits.receipt.unwrap();
    assert_eq!(late.received.unwrap().to_string(), "2025-01-09");
    assert_eq!(late.status, DeadlineStatus::Missed);
}

#[test]
fn a_paper_manifest_leg_entered_beyond_ten_working_days_is_flagged() {
    const DAY: i64 = 24 * HOUR;
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let c_id = c.identity().unwrap();
    let codes = dispatched(&mut p, 2);
    // Picked up on 2 January on paper; entered on 20 January, 12 working days later.
    let picked = yima_core::Timestamp(T0.0 + DAY + HOUR);
    clock.advance(19 * DAY);
    let offer = p
        .offer_handover(&codes[..1], &c_id, pickup(), Some(picked), None)
        .unwrap();
    p.confirm_handover(&c.accept_handover(&offer).unwrap())
        .unwrap();
    let h = p.history(&codes[0]).unwrap();
    assert_eq!(h.last().unwrap().entered_late, Some(true));
    assert!(h[..h.len() - 1]
        .iter()
        .all(|e| e.entered_late == Some(false)));
    // Entered 8 working days after: in time.
    let picked = yima_core::Timestamp(T0.0 + 7 * DAY + HOUR);
    let offer = p
        .offer_handover(&codes[1..], &c_id, pickup(), Some(picked), None)
        .unwrap();
    p.confirm_handover(&c.accept_handover(&offer).unwrap())
        .unwrap();
    assert_eq!(
        p.history(&codes[1]).unwrap().last().unwrap().entered_late,
        Some(false)
    );
}

#[test]
fn a_cancelled_dispatch_puts_the_container_back_into_storage() {
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let c_id = {
        let mut c = c;
        c.identity().unwrap()
    };
    let codes = dispatched(&mut p, 1);
    let a = &codes[0];
    assert_eq!(p.container(a).unwrap().state, ContainerState::Dispatched);
    clock.advance(HOUR);
    p.record(&req(std::slice::from_ref(a), store())).unwrap();
    let view = p.container(a).unwrap();
    assert_eq!(view.state, ContainerState::Stored);
    assert_eq!(view.manifest, None, "the manifest no longer applies");
    // The carrier can no longer pick it up under that manifest.
    let e = p
        .offer_handover(std::slice::from_ref(a), &c_id, pickup(), None, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e:?}");
    // The ledger says so, and the stock balance closes with the drum back in store.
    let rows = p.ledger().unwrap();
    let back = rows
        .iter()
        .rfind(|r| r.stage == yima_device::LedgerStage::IntoStore)
        .unwrap();
    assert!(back.note.contains("dispatch cancelled"), "{back:?}");
    let balance = p.stock_balance(None, None).unwrap();
    let ws = balance.iter().find(|r| r.facility == "WS-01").unwrap();
    assert!(ws.closes(), "{ws:?}");
    assert_eq!((ws.dispatched, ws.closing), (0, 20_000));
    assert_verifies(&mut p);
}
