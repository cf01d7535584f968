//! The operator (经办人) a body names: signed with the event, left out of the encoding when
//! absent (so bodies recorded before keep their bytes and ids), and one plain line of at
//! most `MAX_OPERATOR` characters when present, or the event is refused.

use crate::harness::{kinds_of, Who, World};
use yima_core::yima_codes::BatchKind;
use yima_core::{
    apply, check_operator, decode, encode, CustodyError, EventKind, FailureKind as K, MAX_OPERATOR,
};

fn stored(w: &mut World) -> EventKind {
    EventKind::Stored {
        batch: w.batch(BatchKind::IntoStore),
        facility_code: "ZC001".into(),
    }
}

#[test]
fn a_named_operator_is_signed_and_verifies() {
    let mut w = World::new();
    let c = w.generate();
    let kind = stored(&mut w);
    let mut body = w.draft(Who::Producer, Who::Producer, kind, &[&c]);
    body.operator = Some("王磊".into());
    let e = w.seal(body);
    let text = String::from_utf8(e.canonical.clone()).expect("utf-8");
    assert!(text.contains(r#","operator":"王磊","seq":"#), "{text}");
    assert_eq!(decode(&e.canonical), Ok(e.body.clone()));
    assert_eq!(encode(&e.body), e.canonical);
    w.verify_clean();
}

#[test]
fn an_operator_is_one_plain_line_of_a_name() {
    assert!(check_operator(None).is_ok());
    assert!(check_operator(Some("王磊")).is_ok());
    assert!(check_operator(Some("Anna-Maria O'Neil")).is_ok());
    assert!(check_operator(Some(&"磊".repeat(MAX_OPERATOR))).is_ok());
    let long = "磊".repeat(MAX_OPERATOR + 1);
    for bad in [
        "",
        "   ",
        " 王磊",
        "王磊 ",
        "王\n磊",
        "王\u{7}磊",
        long.as_str(),
    ] {
        let e = check_operator(Some(bad)).expect_err(bad);
        assert!(matches!(e, CustodyError::Operator { .. }), "{e:?}");
        assert!(
            e.message(yima_core::yima_codes::Lang::Zh)
                .contains("经办人"),
            "{e:?}"
        );
        assert!(e.to_string().contains("operator"), "{e}");
    }
}

#[test]
fn a_body_naming_an_empty_or_oversized_operator_is_refused() {
    for bad in [
        String::new(),
        " ".into(),
        "x".repeat(MAX_OPERATOR + 1),
        "a\tb".into(),
    ] {
        let mut w = World::new();
        let c = w.generate();
        let head = w.verify_clean().statuses[&c].clone();
        let kind = stored(&mut w);
        let mut body = w.draft(Who::Producer, Who::Producer, kind, &[&c]);
        body.operator = Some(bad.clone());
        let e = w.seal(body);
        // Custody refuses it (the device and the registry apply every event)…
        let refused = apply(Some(&head), e.id, &e.body, &c).expect_err(&bad);
        assert!(
            matches!(refused, CustodyError::Operator { .. }),
            "{refused:?}"
        );
        // …and so does verification: malformed, once, and it moves no chain.
        let report = w.verify();
        assert_eq!(kinds_of(&report, e.id), vec![K::Malformed], "{bad:?}");
        assert_eq!(report.statuses[&c].head, head.head, "{bad:?}");
    }
}
