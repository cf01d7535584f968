//! Weighing at each custody change with who and how, discrepancies beyond tolerance, and
//! corrections that correct: validated like the originals, applied to every view, and made
//! only by the party that recorded the step.

use crate::common::*;
use yima_core::{PhysicalForm, Role, Tolerances, Unit, UnitTolerance, WeighMethod};
use yima_device::{Action, ErrorKind, HandoverStep, LedgerStage};

fn weigh(kg: &str, weigher: &str) -> Action {
    Action::Weigh {
        measured: q(kg),
        method: WeighMethod::Scale,
        scale: None,
        weigher: weigher.into(),
    }
}

/// A drum of 200 kg weighed 180 kg by the sender, picked up and received; returns the
/// three devices' directories' devices and the drum.
macro_rules! delivered {
    ($dirs:ident, $clock:ident, $p:ident, $c:ident, $r:ident, $a:ident) => {
        let $dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let $clock = clock();
        let mut $p = init($dirs[0].path(), Role::Producer, &producer_org(), &$clock);
        let mut $c = init($dirs[1].path(), Role::Carrier, &carrier_org(), &$clock);
        let mut $r = init($dirs[2].path(), Role::Receiver, &receiver_org(), &$clock);
        let c_id = $c.identity().unwrap();
        let r_id = $r.identity().unwrap();
        let $a = $p.register(&drum("200")).unwrap().code;
        let one = std::slice::from_ref(&$a);
        $p.record(&req(one, store())).unwrap();
        $p.record(&req(one, weigh("180", "王磊"))).unwrap();
        $p.record(&req(one, dispatch())).unwrap();
        $clock.advance(HOUR);
        let offer = $p.offer_handover(one, &c_id, pickup(), None, None).unwrap();
        $p.confirm_handover(&$c.accept_handover(&offer).unwrap())
            .unwrap();
        $clock.advance(HOUR);
        let receive = HandoverStep::Receive {
            manifest: manifest_number(),
        };
        let offer = $c.offer_handover(one, &r_id, receive, None, None).unwrap();
        $c.confirm_handover(&$r.accept_handover(&offer).unwrap())
            .unwrap();
        $clock.advance(HOUR);
    };
}

#[test]
fn a_receipt_short_of_the_senders_weight_is_a_discrepancy_in_history_and_ledger() {
    delivered!(dirs, clock, p, c, r, a);
    let one = std::slice::from_ref(&a);
    // The sender's weighing against the declared 200 kg is already one.
    let sender = p.history(&a).unwrap();
    let w = sender
        .iter()
        .find(|h| h.step == yima_core::Step::Weighing)
        .unwrap();
    assert!(
        w.details.contains(&("weigher".into(), "王磊".into())),
        "{w:?}"
    );
    assert!(w
        .details
        .iter()
        .any(|(k, v)| k == "discrepancy" && v.contains("-20 kg")));

    r.record(&req(one, weigh("150", "林娜"))).unwrap();
    let h = r.history(&a).unwrap();
    let last = h.last().unwrap();
    assert!(
        last.details
            .iter()
            .any(|(k, v)| k == "discrepancy" && v.contains("-30 kg") && v.contains("180 kg")),
        "{last:?}"
    );
    let rows = r.ledger().unwrap();
    let row = rows
        .iter()
        .find(|r| r.stage == LedgerStage::Weighing)
        .expect("a weighing row");
    assert_eq!(
        (row.quantity.as_str(), row.handler.as_str()),
        ("150", "林娜")
    );
    assert!(row.note.contains("差异 -30 kg"), "{}", row.note);
    assert_verifies(&mut r);
    drop(c);
}

#[test]
fn the_tolerance_is_the_units_own() {
    delivered!(dirs, clock, p, c, r, a);
    let mut t = Tolerances::default();
    t.set(
        Unit::Kg,
        UnitTolerance {
            permille: 200,
            floor_milli: 0,
        },
    );
    r.set_tolerances(t);
    r.record(&req(std::slice::from_ref(&a), weigh("150", "林娜")))
        .unwrap();
    let h = r.history(&a).unwrap();
    assert!(!h
        .last()
        .unwrap()
        .details
        .iter()
        .any(|(k, _)| k == "discrepancy"));
    drop((p, c));
}

#[test]
fn accepted_and_refused_must_add_up_to_the_weighing() {
    delivered!(dirs, clock, p, c, r, a);
    let one = std::slice::from_ref(&a);
    r.record(&req(one, weigh("150", "林娜"))).unwrap();
    let before = events(&mut r);
    let e = r
        .record(&req(
            one,
            Action::PartlyRefuse {
                accepted: q("100"),
                refused: q("40"),
                reason: "渗漏".into(),
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e:?}");
    assert!(e
        .message(yima_codes::Lang::En)
        .contains("150 kg was measured"));
    assert_eq!(events(&mut r), before, "nothing stored");
    // The weighing was misread: corrected to 160 kg, which accepted + refused must now make.
    let weighed: yima_core::EventId = r.history(&a).unwrap().last().unwrap().id.parse().unwrap();
    r.record(&req(
        one,
        Action::Correct {
            corrects: weighed,
            reason: "读数错误".into(),
            changes: [("quantity".to_string(), "160".to_string())].into(),
        },
    ))
    .unwrap();
    r.record(&req(
        one,
        Action::PartlyRefuse {
            accepted: q("120"),
            refused: q("40"),
            reason: "渗漏".into(),
        },
    ))
    .unwrap();
    let rows = r.ledger().unwrap();
    let fix = rows
        .iter()
        .find(|x| x.stage == LedgerStage::Correction)
        .unwrap();
    assert_eq!(fix.note, "quantity: 150 → 160");
    assert_verifies(&mut r);
    drop((p, c));
}

#[test]
fn corrections_are_checked_applied_everywhere_and_only_by_their_recorder() {
    delivered!(dirs, clock, p, c, r, a);
    let one = std::slice::from_ref(&a);
    let generated: yima_core::EventId = p.history(&a).unwrap()[0].id.parse().unwrap();
    let correct = |field: &str, value: &str| Action::Correct {
        corrects: generated,
        reason: "录入错误".into(),
        changes: [(field.to_string(), value.to_string())].into(),
    };
    // Values the original would refuse are refused, nothing stored.
    let before = events(&mut p);
    for (field, value) in [("quantity", "abc"), ("form", "plasma"), ("contact", "")] {
        let e = p.record(&req(one, correct(field, value))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{field}={value}: {e:?}");
    }
    // A field the corrected step does not have.
    let e = p
        .record(&req(one, correct("vehicle_plate", "闽A·00000")))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert_eq!(events(&mut p), before);

    // The receiver, a party with a valid key, tries to correct the producer's label.
    let before = events(&mut r);
    let e = r
        .record(&req(one, correct("name", "伪造名称")))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e:?}");
    assert!(e.message(yima_codes::Lang::Zh).contains("只有记录单位"));
    assert_eq!(events(&mut r), before, "nothing stored");

    // The producer corrects its own label: the container view and a reprinted label change,
    // the original stays in the history.
    p.record(&req(one, correct("form", "liquid"))).unwrap();
    p.record(&req(one, correct("name", "废乳化液"))).unwrap();
    let view = p.container(&a).unwrap();
    assert_eq!(view.label.form, PhysicalForm::Liquid);
    assert_eq!(view.label.name, "废乳化液");
    let (label, _) = p.label_payload(&a).unwrap();
    assert_eq!(label.name, "废乳化液");
    let h = p.history(&a).unwrap();
    assert_ne!(h[0].details[1].1, format!("900-041-49 废乳化液"));
    assert!(h
        .iter()
        .any(|e| e.details.contains(&("set name".into(), "废乳化液".into()))));
    // The corrected step, as recorded, says it was corrected and to what (timeline too).
    assert!(
        h[0].details
            .iter()
            .any(|(k, v)| k == "corrected name" && v.starts_with("废乳化液 (")),
        "{:?}",
        h[0].details
    );
    let t = p.timeline(&a).unwrap();
    assert!(t.steps[0]
        .entry
        .details
        .iter()
        .any(|(k, _)| k == "corrected form"));
    assert_verifies(&mut p);
    drop(c);
}
