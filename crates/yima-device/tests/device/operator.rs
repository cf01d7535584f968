//! The operator (经办人) signed into the events a device composes, and shown per step.

use crate::common::*;
use yima_core::{Role, Step};
use yima_device::LedgerStage;

#[test]
fn a_recorded_event_names_the_operator_in_force_and_one_recorded_before_names_none() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let label = p.register(&drum("20")).unwrap();
    let a = label.code.clone();
    let stored = p.record(&req(std::slice::from_ref(&a), store())).unwrap();
    assert_eq!(stored.body.operator, None, "no operator set yet");
    assert!(!String::from_utf8_lossy(&stored.canonical).contains("operator"));

    p.set_operator("  张敏 ").unwrap();
    weigh_as_labelled(&mut p, std::slice::from_ref(&a));
    let dispatched = p
        .record(&req(std::slice::from_ref(&a), dispatch()))
        .unwrap();
    assert_eq!(dispatched.body.operator.as_deref(), Some("张敏"));
    assert!(String::from_utf8_lossy(&dispatched.canonical).contains(r#","operator":"张敏","seq":"#));
    let b = p.register(&drum("30")).unwrap().code;

    p.set_operator("李娜").unwrap();
    let again = p.record(&req(std::slice::from_ref(&b), store())).unwrap();
    assert_eq!(again.body.operator.as_deref(), Some("李娜"));

    // The history shows each step's operator: none before one was set.
    let history = p.history(&a).unwrap();
    let by_step: Vec<(Step, Option<&str>)> = history
        .iter()
        .map(|h| (h.step, h.operator.as_deref()))
        .collect();
    assert_eq!(
        by_step,
        vec![
            (Step::Generated, None),
            (Step::Stored, None),
            (Step::Weighing, Some("张敏")),
            (Step::Dispatched, Some("张敏")),
        ]
    );
    let b_history = p.history(&b).unwrap();
    assert_eq!(b_history[0].operator.as_deref(), Some("张敏"), "registered");
    assert_eq!(b_history[1].operator.as_deref(), Some("李娜"));
    assert_verifies(&mut p);
}

#[test]
fn an_operator_that_cannot_be_signed_is_refused_when_set() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    p.set_operator("张敏").unwrap();
    for bad in ["   ", "张\n敏", &"敏".repeat(65)] {
        let e = p.set_operator(bad).unwrap_err();
        assert_eq!(e.kind(), yima_device::ErrorKind::BadInput, "{bad:?}");
        let zh = e.message(yima_core::yima_codes::Lang::Zh);
        assert!(zh.contains("经办人"), "{bad:?}: {zh}");
    }
    assert_eq!(p.operator().unwrap().as_deref(), Some("张敏"));
}

#[test]
fn a_handover_the_giver_offers_names_no_operator_and_the_taker_keeps_its_own() {
    let (pd, cd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock = clock();
    let mut p = init(pd.path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(cd.path(), Role::Carrier, &carrier_org(), &clock);
    p.set_operator("张敏").unwrap();
    c.set_operator("陈师傅").unwrap();
    let codes = dispatched(&mut p, 1);
    clock.advance(HOUR);
    let offer = p
        .offer_handover(&codes, &c.identity().unwrap(), pickup(), None, None)
        .unwrap();
    assert!(
        !offer.event.body.contains("\"operator\""),
        "{}",
        offer.event.body
    );
    c.accept_handover(&offer).unwrap();
    let history = c.history(&codes[0]).unwrap();
    let picked = history.iter().find(|h| h.step == Step::PickedUp).unwrap();
    // Not signed (the giver composed it), so the carrier's own operator kept beside it.
    assert_eq!(picked.operator.as_deref(), Some("陈师傅"));
    // The producer's steps the carrier learned with the offer name the producer's person.
    let dispatched = history.iter().find(|h| h.step == Step::Dispatched).unwrap();
    assert_eq!(dispatched.operator.as_deref(), Some("张敏"));
    assert_verifies(&mut c);
}

#[test]
fn the_ledgers_handler_comes_from_the_signed_event() {
    // Two devices of one producer: the second learns the first's events (as from the
    // registry's feed) and has no person of its own kept with them.
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock = clock();
    let mut first = init(d1.path(), Role::Producer, &producer_org(), &clock);
    let mut second = init(d2.path(), Role::Producer, &producer_org(), &clock);
    let a = first.register(&drum("20")).unwrap().code;
    first.set_operator("张敏").unwrap();
    first
        .record(&req(std::slice::from_ref(&a), store()))
        .unwrap();
    weigh_as_labelled(&mut first, std::slice::from_ref(&a));
    first
        .record(&req(std::slice::from_ref(&a), dispatch()))
        .unwrap();
    feed(&mut first, &mut second);
    second.set_operator("李娜").unwrap();

    let rows = second.ledger().unwrap();
    let handler = |stage: LedgerStage| {
        rows.iter()
            .find(|r| r.stage == stage)
            .map(|r| r.handler.clone())
            .unwrap()
    };
    // Registered before an operator was set: the label's contact, as before.
    assert_eq!(handler(LedgerStage::Generation), "王磊");
    assert_eq!(handler(LedgerStage::IntoStore), "张敏");
    assert_eq!(handler(LedgerStage::OutOfStore), "张敏");
    assert_eq!(handler(LedgerStage::Outsourced), "张敏");
    let history = second.history(&a).unwrap();
    assert_eq!(history[1].operator.as_deref(), Some("张敏"));
    assert_eq!(history[0].operator, None);
}
