//! A weighing read from an electronic scale names the scale: in the history (and so the
//! timeline) and the ledger; a manual weighing may not name one.

use crate::common::*;
use yima_core::{Role, WeighMethod};
use yima_device::{Action, ErrorKind, LedgerStage, StepForm};

const SCALE: &str = "DOCK-1 /dev/ttyUSB0 (generic)";

fn weigh(method: WeighMethod, scale: Option<&str>) -> Action {
    Action::Weigh {
        measured: q("198.55"),
        method,
        scale: scale.map(str::to_string),
        weigher: "王磊".into(),
    }
}

#[test]
fn a_weighing_read_from_a_scale_shows_the_scale_in_history_and_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("200")).unwrap().code;
    let one = std::slice::from_ref(&a);
    p.record(&req(one, weigh(WeighMethod::Scale, Some(SCALE))))
        .unwrap();
    clock.advance(HOUR);
    p.record(&req(one, weigh(WeighMethod::Scale, None)))
        .unwrap();

    let history = p.history(&a).unwrap();
    let weighings: Vec<_> = history
        .iter()
        .filter(|h| h.step == yima_core::Step::Weighing)
        .collect();
    assert_eq!(weighings.len(), 2);
    assert!(weighings[0]
        .details
        .contains(&("scale".into(), SCALE.into())));
    assert!(weighings[0]
        .details
        .contains(&("method".into(), "scale".into())));
    // Typed in: no scale named.
    assert!(!weighings[1].details.iter().any(|(k, _)| k == "scale"));

    let rows = p.ledger().unwrap();
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| r.stage == LedgerStage::Weighing)
        .collect();
    assert!(
        rows[0].note.contains(&format!("自动读取自电子秤 {SCALE}")),
        "{}",
        rows[0].note
    );
    assert!(rows[0].note.contains(&format!("read from scale {SCALE}")));
    assert!(!rows[1].note.contains("read from scale"));
    assert_verifies(&mut p);
}

#[test]
fn a_manual_weighing_naming_a_scale_is_refused_with_nothing_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("200")).unwrap().code;
    let one = std::slice::from_ref(&a);
    let before = p.history(&a).unwrap().len();
    let e = p
        .record(&req(one, weigh(WeighMethod::Manual, Some(SCALE))))
        .expect_err("manual with a scale");
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert!(e.message(yima_codes::Lang::Zh).contains("人工称重"));
    assert_eq!(p.history(&a).unwrap().len(), before);
}

#[test]
fn the_step_form_carries_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("200")).unwrap().code;
    let form = StepForm {
        codes: vec![a.to_string()],
        step: "weigh".into(),
        amount: "198.55".into(),
        unit: "kg".into(),
        weigher: "王磊".into(),
        scale: format!(" {SCALE} "),
        ..StepForm::default()
    };
    let reqs = p.step_requests(&form).unwrap();
    match &reqs[0].action {
        Action::Weigh { method, scale, .. } => {
            assert_eq!(
                (*method, scale.as_deref()),
                (WeighMethod::Scale, Some(SCALE))
            );
        }
        other => panic!("{other:?}"),
    }
    let manual = StepForm {
        weighed_with: "manual".into(),
        ..form
    };
    let reqs = p.step_requests(&manual).unwrap();
    let e = p.record_all(&reqs);
    assert_eq!(e.expect_err("manual").kind(), ErrorKind::BadInput);
}
