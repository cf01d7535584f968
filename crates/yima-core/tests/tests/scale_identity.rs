//! A weighing read from a scale names the scale: the member is written only when present
//! (so weighings recorded before keep their bytes and ids), and only a scale's weighing may
//! name one.

use crate::harness::{kg, Who, World};
use std::collections::BTreeMap;
use yima_core::{decode, encode, EventKind, FailureKind as K, WeighMethod};

fn weighing(method: WeighMethod, scale: Option<&str>) -> EventKind {
    EventKind::Weighing {
        discrepancy: None,
        measured: kg("198.55"),
        method,
        scale: scale.map(str::to_string),
        weigher: "林娜".into(),
    }
}

#[test]
fn the_scale_is_left_out_when_absent_and_written_before_the_weigher_when_present() {
    let mut w = World::new();
    let c = w.generate();
    let without = w.record(Who::Producer, weighing(WeighMethod::Scale, None), &[&c]);
    let text = String::from_utf8(without.canonical.clone()).expect("utf-8");
    assert!(
        text.contains(concat!(
            r#""event":{"type":"weighing","discrepancy":null,"#,
            r#""measured":{"milli":198550,"unit":"kg"},"method":"scale","weigher":"林娜"}"#
        )),
        "{text}"
    );
    assert_eq!(decode(&without.canonical), Ok(without.body.clone()));

    let with = w.record(
        Who::Producer,
        weighing(WeighMethod::Scale, Some("DOCK-1 /dev/ttyUSB0 (generic)")),
        &[&c],
    );
    let text = String::from_utf8(with.canonical.clone()).expect("utf-8");
    assert!(
        text.contains(
            r#""method":"scale","scale":"DOCK-1 /dev/ttyUSB0 (generic)","weigher":"林娜"}"#
        ),
        "{text}"
    );
    assert_eq!(decode(&with.canonical), Ok(with.body.clone()));
    assert_eq!(encode(&with.body), with.canonical);
    w.verify_clean();

    // `null` is not a spelling of an absent scale, nor is another member order.
    let null = text.replace(
        r#""scale":"DOCK-1 /dev/ttyUSB0 (generic)","#,
        r#""scale":null,"#,
    );
    assert!(decode(null.as_bytes()).is_err());
    let moved = text.replace(
        r#""method":"scale","scale":"DOCK-1 /dev/ttyUSB0 (generic)","weigher":"林娜""#,
        r#""method":"scale","weigher":"林娜","scale":"DOCK-1 /dev/ttyUSB0 (generic)""#,
    );
    assert!(decode(moved.as_bytes()).is_err());
}

#[test]
fn a_manual_weighing_naming_a_scale_is_refused() {
    let mut w = World::new();
    let c = w.generate();
    let bad = w.record(
        Who::Producer,
        weighing(WeighMethod::Manual, Some("DOCK-1")),
        &[&c],
    );
    let report = w.verify();
    let f: Vec<_> = report
        .failures
        .iter()
        .filter(|f| f.event == bad.id)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", report.failures);
    assert_eq!(f[0].kind, K::ForbiddenTransition);
    assert!(f[0].detail.contains("manual weighing"), "{}", f[0].detail);
}

#[test]
fn a_scale_identity_is_one_plain_line() {
    use yima_core::check_scale;
    assert!(check_scale(WeighMethod::Scale, None).is_ok());
    assert!(check_scale(WeighMethod::Manual, None).is_ok());
    assert!(check_scale(WeighMethod::Scale, Some("DOCK-1 /dev/ttyUSB0 (generic)")).is_ok());
    for bad in ["", " DOCK-1", "DOCK-1\n/dev/ttyUSB0", &"x".repeat(121)] {
        let e = check_scale(WeighMethod::Scale, Some(bad)).expect_err(bad);
        assert!(e.message(yima_codes::Lang::Zh).contains("电子秤"));
    }
    let e = check_scale(WeighMethod::Manual, Some("DOCK-1")).expect_err("manual");
    assert!(e.message(yima_codes::Lang::Zh).contains("人工称重"));
}

#[test]
fn a_weighing_read_from_a_scale_is_not_corrected_to_manual() {
    let read = weighing(WeighMethod::Scale, Some("DOCK-1"));
    let typed = weighing(WeighMethod::Scale, None);
    let changes = BTreeMap::from([("method".to_string(), "manual".to_string())]);
    let unit = yima_core::Unit::Kg;
    assert!(yima_core::check_correction(&changes, &read, unit).is_err());
    assert!(yima_core::check_correction(&changes, &typed, unit).is_ok());
}
