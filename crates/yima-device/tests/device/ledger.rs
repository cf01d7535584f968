//! The demo's ledger: measured quantities, China local times, both names, and rows for the
//! receiver's receipt, the split, the void and the correction.

use yima_device::{run_demo, Device, LedgerStage, ManualClock};

#[test]
fn the_demo_ledger_shows_measured_quantities_local_times_and_both_names() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(yima_core::Timestamp(0));
    let mut producer = Device::open(&dir.path().join("producer"), &clock).unwrap();
    let mut receiver = Device::open(&dir.path().join("receiver"), &clock).unwrap();
    let p = producer.ledger().unwrap();
    let r = receiver.ledger().unwrap();

    for row in p.iter().chain(&r) {
        assert!(row.time.ends_with("+08:00"), "{}", row.time);
        assert_eq!(
            row.time.len(),
            "2026-03-01 14:05:00+08:00".len(),
            "{}",
            row.time
        );
        assert!(!row.catalogue_name.is_empty(), "{row:?}");
    }
    let oil = p
        .iter()
        .find(|x| x.stage == LedgerStage::Generation && x.waste_name == "废矿物油")
        .unwrap();
    assert_ne!(oil.catalogue_name, oil.waste_name);
    // The correction of the container type is applied to the rows written before it.
    assert_eq!(oil.container_type, "IBC 吨桶");
    let correction = p
        .iter()
        .find(|x| x.stage == LedgerStage::Correction)
        .unwrap();
    assert!(
        correction.note.contains("200L 钢桶 → IBC 吨桶"),
        "{}",
        correction.note
    );

    // The receiver's rows carry what it measured and accepted, not the declared 180 kg.
    let receipts: Vec<_> = r
        .iter()
        .filter(|x| x.stage == LedgerStage::Receipt)
        .map(|x| x.quantity.as_str())
        .collect();
    assert_eq!(receipts, ["24.6", "165"]);
    // Each receipt links to the sender's outsourced batch, and the receiver's disposal to it
    // (the disposal of the oil's accepted part, split from it, to the oil's).
    let sent_batch = |code: &str| {
        let sent = p
            .iter()
            .find(|y| y.stage == LedgerStage::Outsourced && y.container_code == code)
            .unwrap();
        assert!(sent.batch_code.starts_with("HWWWCZ"), "{sent:?}");
        sent.batch_code.clone()
    };
    let oil_code = r
        .iter()
        .find(|x| x.stage == LedgerStage::Receipt && x.quantity == "165")
        .unwrap()
        .container_code
        .clone();
    for x in r
        .iter()
        .filter(|x| matches!(x.stage, LedgerStage::Receipt | LedgerStage::OwnTreatment))
    {
        let from_oil = r.iter().any(|y| {
            y.stage == LedgerStage::Split
                && y.container_code == x.container_code
                && y.note.contains(&oil_code)
        });
        let origin = if from_oil {
            &oil_code
        } else {
            &x.container_code
        };
        assert_eq!(x.source_batch, sent_batch(origin), "{x:?}");
    }
    // The oil's refused 6 kg were split off to go back to the producer.
    let back = r
        .iter()
        .find(|x| x.stage == LedgerStage::Split && x.note.contains("refused part"))
        .unwrap();
    assert_eq!(back.quantity, "6");
    assert!(back.note.contains(&oil_code), "{}", back.note);
    let disposed: Vec<_> = r
        .iter()
        .filter(|x| x.stage == LedgerStage::OwnTreatment)
        .map(|x| x.quantity.as_str())
        .collect();
    assert_eq!(disposed, ["24.6", "165"]);

    // The split and the void leave rows, so the sludge's 40 kg does not vanish.
    let split: Vec<_> = p
        .iter()
        .filter(|x| x.stage == LedgerStage::Split)
        .map(|x| x.quantity.as_str())
        .collect();
    assert_eq!(split, ["40", "15", "25"]);
    let void = p.iter().find(|x| x.stage == LedgerStage::Void).unwrap();
    assert_eq!(void.quantity, "25");
    assert!(void.note.contains("registered twice"), "{}", void.note);
}

#[test]
fn the_demo_stock_balance_closes_at_every_facility() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(yima_core::Timestamp(0));
    for party in ["producer", "receiver"] {
        let mut d = Device::open(&dir.path().join(party), &clock).unwrap();
        let rows = d.stock_balance(None, None).unwrap();
        assert!(!rows.is_empty(), "{party}");
        for r in &rows {
            assert!(r.closes(), "{party}: {r:?}");
        }
        // Everything entered left again, but the oil's refused 6 kg, back in the producer's
        // store.
        let closing: Vec<_> = rows
            .iter()
            .filter(|r| r.closing != 0)
            .map(|r| (r.facility.as_str(), r.closing))
            .collect();
        let expected: &[(&str, i64)] = match party {
            "producer" => &[("WS-01", 6_000)],
            _ => &[],
        };
        assert_eq!(closing, expected, "{party}: {rows:?}");
        let moved: i64 = rows.iter().map(|r| r.generated + r.received).sum();
        assert!(moved > 0, "{party}: {rows:?}");
    }
    let mut p = Device::open(&dir.path().join("producer"), &clock).unwrap();
    let rows = p.stock_balance(None, None).unwrap();
    let store = rows.iter().find(|r| r.facility == "WS-01").unwrap();
    // Rags 25 + oil 180 left under the manifest; the sludge's 40 kg was split into 15 used on
    // site and 25 voided.
    assert_eq!(
        (
            store.dispatched,
            store.treated,
            store.voided,
            store.made,
            store.unmade
        ),
        (205_000, 15_000, 25_000, 40_000, 40_000)
    );
}

#[test]
fn a_balance_that_does_not_close_says_by_how_much_and_why() {
    use crate::common::*;
    use yima_core::{Role, WeighMethod};
    use yima_device::{Action, Clock};
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("200")).unwrap().code;
    p.record(&req(std::slice::from_ref(&a), store())).unwrap();
    let day = clock.now().china_date();
    clock.advance(24 * HOUR);
    // In store, the drum weighs 180 kg: 20 kg no movement explains.
    p.record(&req(
        std::slice::from_ref(&a),
        Action::Weigh {
            measured: q("180"),
            method: WeighMethod::Scale,
            scale: None,
            weigher: "王磊".into(),
        },
    ))
    .unwrap();
    let rows = p.stock_balance(None, None).unwrap();
    let ws = rows.iter().find(|r| r.facility == "WS-01").unwrap();
    assert!(!ws.closes());
    assert_eq!(ws.difference(), -20_000);
    assert_eq!(ws.reweighed, vec![(a.to_string(), -20_000)]);
    // The first day alone (before the weighing) closes, with 200 kg in store at its end.
    let first = p.stock_balance(Some(day), Some(day)).unwrap();
    let ws = first.iter().find(|r| r.facility == "WS-01").unwrap();
    assert!(ws.closes(), "{ws:?}");
    assert_eq!(ws.closing, 200_000);
    // The next day opens with 200 kg and does not close.
    let next = day.succ_opt().unwrap();
    let second = p.stock_balance(Some(next), Some(next)).unwrap();
    let ws = second.iter().find(|r| r.facility == "WS-01").unwrap();
    assert_eq!(
        (ws.opening, ws.closing, ws.difference()),
        (200_000, 180_000, -20_000)
    );
}

#[test]
fn each_row_names_the_person_recorded_with_its_step() {
    use crate::common::*;
    use yima_core::Role;
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    assert_eq!(p.operator().unwrap(), None);
    let a = p.register(&drum("20")).unwrap().code;
    p.record(&req(std::slice::from_ref(&a), store())).unwrap();
    p.set_operator("张敏").unwrap();
    assert!(p.set_operator("  ").is_err());
    weigh_as_labelled(&mut p, std::slice::from_ref(&a));
    p.record(&req(std::slice::from_ref(&a), dispatch()))
        .unwrap();
    let rows = p.ledger().unwrap();
    let handler = |stage: LedgerStage| {
        rows.iter()
            .find(|r| r.stage == stage)
            .map(|r| r.handler.clone())
            .unwrap()
    };
    // Before an operator was set: the generation names the label's contact, the storage no
    // one (not the contact, who may not have done it).
    assert_eq!(handler(LedgerStage::Generation), "王磊");
    assert_eq!(handler(LedgerStage::IntoStore), "");
    assert_eq!(handler(LedgerStage::OutOfStore), "张敏");
    assert_eq!(handler(LedgerStage::Outsourced), "张敏");
    assert_eq!(p.operator().unwrap().as_deref(), Some("张敏"));
}

#[test]
fn the_senders_outsourced_record_gets_the_receivers_method_once_learned() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path()).unwrap();
    let clock = ManualClock::new(yima_core::Timestamp(0));
    let mut producer = Device::open(&dir.path().join("producer"), &clock).unwrap();
    let mut receiver = Device::open(&dir.path().join("receiver"), &clock).unwrap();
    let before = producer.ledger().unwrap();
    let outsourced = |rows: &[yima_device::LedgerRow]| {
        rows.iter()
            .filter(|r| r.stage == LedgerStage::Outsourced)
            .map(|r| (r.method.clone(), r.completed_at.clone()))
            .collect::<Vec<_>>()
    };
    // The producer learned the receiver's disposal with the history the oil's refused part
    // came back with (the rags and the oil's accepted part were disposed of in one event):
    // the oil's record is completed through the part split from it.
    for (method, completed) in outsourced(&before) {
        assert_eq!(method, "处置: D10 焚烧 / incineration");
        assert!(completed.ends_with("+08:00"), "{completed}");
    }
    // Learning the receiver's events again, as from the registry's feed, adds nothing twice.
    crate::common::feed(&mut receiver, &mut producer);
    assert_eq!(outsourced(&producer.ledger().unwrap()), outsourced(&before));
}

/// The balance counts a corrected step at its corrected value: a correction amends the
/// record it corrects, so the movement and the stock it leaves agree, and the balance closes
/// on the corrected figures (a corrected weighing is no reweighing).
#[test]
fn corrections_of_a_quantity_count_in_the_balance() {
    use crate::common::*;
    use yima_core::{Role, Step};
    use yima_device::Action;
    let last = last_step;
    let clock = clock();
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let one = std::slice::from_ref;

    // Registered as 200 kg, corrected to 190 kg, then weighed at 190 kg in store.
    let a = p.register(&drum("200")).unwrap().code;
    p.record(&req(one(&a), store())).unwrap();
    let generated = last(&mut p, &a, Step::Generated);
    p.record(&req(one(&a), correct(generated, "quantity", "190")))
        .unwrap();
    p.record(&req(one(&a), weighing("190"))).unwrap();
    // Weighed at 180 kg by a misread scale, corrected to 200 kg.
    let b = p.register(&drum("200")).unwrap().code;
    p.record(&req(one(&b), store())).unwrap();
    p.record(&req(one(&b), weighing("180"))).unwrap();
    let misread = last(&mut p, &b, Step::Weighing);
    p.record(&req(one(&b), correct(misread, "quantity", "200")))
        .unwrap();
    let rows = p.stock_balance(None, None).unwrap();
    let generated: i64 = rows.iter().map(|r| r.generated).sum();
    let closing: i64 = rows.iter().map(|r| r.closing).sum();
    assert_eq!((generated, closing), (390_000, 390_000), "{rows:?}");
    assert!(rows.iter().all(|r| r.closes()), "{rows:?}");
    assert!(rows.iter().all(|r| r.reweighed.is_empty()), "{rows:?}");

    // A receiver weighs 19 kg, accepts it, then corrects both to 18.5 kg: received 18.5 kg.
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let codes = dispatched(&mut p, 1); // 20 kg
    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    clock.advance(HOUR);
    hand_over(&mut c, &mut r, &codes, receive());
    let d = &codes[0];
    r.record(&req(one(d), weighing("19"))).unwrap();
    r.record(&req(one(d), Action::Accept { quantity: None }))
        .unwrap();
    let weighed = last(&mut r, d, Step::Weighing);
    let accepted = last(&mut r, d, Step::Accepted);
    r.record(&req(one(d), correct(weighed, "quantity", "18.5")))
        .unwrap();
    r.record(&req(one(d), correct(accepted, "quantity", "18.5")))
        .unwrap();
    let rows = r.stock_balance(None, None).unwrap();
    let received: i64 = rows.iter().map(|r| r.received).sum();
    let closing: i64 = rows.iter().map(|r| r.closing).sum();
    assert_eq!((received, closing), (18_500, 18_500), "{rows:?}");
    assert!(rows.iter().all(|r| r.closes()), "{rows:?}");
}
