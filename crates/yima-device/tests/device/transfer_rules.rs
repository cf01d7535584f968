//! Transfer rules on the device: a manifest number that does not fit its dispatch, a
//! manifest naming its sender as receiver, and a dispatch of containers the sender has not
//! weighed since they came into its custody, are refused with nothing stored.

use crate::common::*;
use yima_codes::{Lang, ManifestNumber};
use yima_core::{ContainerState, Role};
use yima_device::{Action, ErrorKind, HandoverStep};

#[test]
fn dispatch_under_a_manifest_number_that_does_not_fit_is_refused_with_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let code = p.register(&drum("20")).unwrap().code;
    p.record(&req(std::slice::from_ref(&code), store()))
        .unwrap();
    weigh_as_labelled(&mut p, std::slice::from_ref(&code));
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
    weigh_as_labelled(&mut p, std::slice::from_ref(&code));
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

#[test]
fn dispatch_of_containers_the_sender_has_not_weighed_is_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let codes: Vec<_> = ["20", "30", "40"]
        .iter()
        .map(|q| p.register(&drum(q)).unwrap().code)
        .collect();
    p.record(&req(&codes, store())).unwrap();
    // The first is weighed; the other two are not.
    weigh_as_labelled(&mut p, &codes[..1]);
    let before = events(&mut p);
    let e = p.record(&req(&codes, dispatch())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotWeighed, "{e}");
    assert_eq!(e.containers(), &codes[1..]);
    let (zh, en) = (e.message(Lang::Zh), e.message(Lang::En));
    assert!(zh.contains("出库前须由移出人称重"), "{zh}");
    assert!(
        en.contains("must weigh these containers before dispatch"),
        "{en}"
    );
    for code in &codes[1..] {
        assert!(
            zh.contains(code.as_str()) && en.contains(code.as_str()),
            "{en}"
        );
    }
    assert!(!en.contains(codes[0].as_str()), "{en}");
    assert_eq!(events(&mut p), before, "nothing stored");
    assert_eq!(
        p.container(&codes[0]).unwrap().state,
        ContainerState::Stored
    );

    // Weighed, all three go; a correction of a weighing still counts as weighed.
    weigh_as_labelled(&mut p, &codes[1..2]);
    let weighing = p.history(&codes[2]).unwrap().len();
    weigh_as_labelled(&mut p, &codes[2..]);
    let id = p.history(&codes[2]).unwrap()[weighing].id.parse().unwrap();
    p.record(&req(
        &codes[2..],
        Action::Correct {
            corrects: id,
            reason: "读数录入错误".into(),
            changes: [("quantity".to_string(), "41".to_string())].into(),
        },
    ))
    .unwrap();
    p.record(&req(&codes, dispatch())).unwrap();
    for code in &codes {
        assert_eq!(p.container(code).unwrap().state, ContainerState::Dispatched);
    }
}

#[test]
fn a_dispatch_refused_for_other_reasons_says_those_first() {
    // A container the sender does not hold, or in a state it cannot leave from, is refused
    // by the custody rules as before, not as unweighed.
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut r = init(dirs[1].path(), Role::Receiver, &receiver_org(), &clock);
    let code = p.register(&drum("20")).unwrap().code;
    feed(&mut p, &mut r);
    let e = r
        .record(&req(std::slice::from_ref(&code), dispatch()))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    let dispatched = dispatched(&mut p, 1);
    let e = p.record(&req(&dispatched, dispatch())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
}

#[test]
fn waste_returned_to_its_producer_is_weighed_again_before_it_leaves_again() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    // Weighed by the producer and dispatched, picked up, received and refused.
    let codes = dispatched(&mut p, 1);
    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    clock.advance(HOUR);
    hand_over(&mut c, &mut r, &codes, receive());
    r.record(&req(
        &codes,
        Action::Refuse {
            reason: "包装破损".into(),
        },
    ))
    .unwrap();
    // Back through the carrier to the producer.
    clock.advance(HOUR);
    hand_over(&mut r, &mut c, &codes, pickup());
    clock.advance(HOUR);
    let back = HandoverStep::Return {
        reason: "接收单位拒收".into(),
    };
    hand_over(&mut c, &mut p, &codes, back);
    assert_eq!(
        p.container(&codes[0]).unwrap().state,
        ContainerState::Returned
    );

    // The weighing before it first left does not count: it has been away since.
    let before = events(&mut p);
    let e = p.record(&req(&codes, dispatch())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotWeighed, "{e}");
    assert_eq!(e.containers(), &codes[..]);
    assert_eq!(events(&mut p), before, "nothing stored");
    weigh_as_labelled(&mut p, &codes);
    p.record(&req(&codes, dispatch())).unwrap();
    assert_eq!(
        p.container(&codes[0]).unwrap().state,
        ContainerState::Dispatched
    );
    assert_verifies(&mut p);
}

#[test]
fn a_receiver_sending_refused_waste_on_weighs_it_too() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let codes = dispatched(&mut p, 1);
    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    clock.advance(HOUR);
    hand_over(&mut c, &mut r, &codes, receive());
    r.record(&req(
        &codes,
        Action::Refuse {
            reason: "包装破损".into(),
        },
    ))
    .unwrap();
    // The receiver sends it on under a manifest of its own: the producer's weighing is not
    // the receiver's.
    let mut m = manifest();
    m.number = ManifestNumber::new(2025, 35, 2, 7).unwrap();
    m.sender = receiver_org();
    m.receiver = producer_org();
    let send_on = Action::Dispatch {
        manifest: m,
        facility_code: "ZC-02".into(),
    };
    let e = r.record(&req(&codes, send_on.clone())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotWeighed, "{e}");
    weigh_as_labelled(&mut r, &codes);
    r.record(&req(&codes, send_on)).unwrap();
    assert_eq!(
        r.container(&codes[0]).unwrap().state,
        ContainerState::Dispatched
    );
}
