use super::*;
use crate::ScaleErrorKind;
use proptest::prelude::*;

fn ok(p: Protocol, line: &str) -> Reading {
    p.parse_line(line)
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn kind(p: Protocol, line: &str) -> ScaleErrorKind {
    p.parse_line(line).expect_err(line).kind()
}

#[test]
fn generic_lines_give_status_mode_weight_and_unit() {
    let r = ok(Protocol::Generic, "ST,GS,+0012.34kg");
    assert_eq!(
        (r.value_milli, r.unit, r.stable, r.net),
        (12_340, ScaleUnit::Kg, true, false)
    );
    assert_eq!(r.division_milli, 10);
    let r = ok(Protocol::Generic, "US,GS,+0012.30kg");
    assert!(!r.stable);
    let r = ok(Protocol::Generic, "ST,NT,-0000.50 kg\r");
    assert_eq!((r.value_milli, r.net), (-500, true));
    // A&D style without the mode, padded, and a line in grams and in tonnes.
    let r = ok(Protocol::Generic, "ST,+00012.34  kg");
    assert_eq!((r.value_milli, r.net), (12_340, false));
    assert_eq!(
        ok(Protocol::Generic, "ST,GS,+  1250g").value_milli,
        1_250_000
    );
    let r = ok(Protocol::Generic, "\u{2}ST,GS,+001.250t");
    assert_eq!(
        (r.value_milli, r.unit, r.division_milli),
        (1_250, ScaleUnit::T, 1)
    );
}

#[test]
fn generic_refusals_have_kinds() {
    assert_eq!(
        kind(Protocol::Generic, "OL,GS,+9999.99kg"),
        ScaleErrorKind::Range
    );
    assert_eq!(
        kind(Protocol::Generic, "ST,GS,+0027.20lb"),
        ScaleErrorKind::Unit
    );
    assert_eq!(
        kind(Protocol::Generic, "ST,GS,+0012.3456kg"),
        ScaleErrorKind::Unreadable
    );
    assert_eq!(
        kind(Protocol::Generic, "XX,GS,+0012.34kg"),
        ScaleErrorKind::Unreadable
    );
    assert_eq!(
        kind(Protocol::Generic, "ST,GS,kg"),
        ScaleErrorKind::Unreadable
    );
    assert_eq!(kind(Protocol::Generic, ""), ScaleErrorKind::Unreadable);
    assert_eq!(
        kind(Protocol::Generic, "S S      12.34 kg"),
        ScaleErrorKind::Unreadable
    );
}

#[test]
fn mettler_lines_stable_dynamic_and_errors() {
    let r = ok(Protocol::MettlerContinuous, "S S      12.34 kg");
    assert_eq!(
        (r.value_milli, r.unit, r.stable),
        (12_340, ScaleUnit::Kg, true)
    );
    let r = ok(Protocol::MettlerContinuous, "S D      12.36 kg\r\n");
    assert_eq!((r.value_milli, r.stable), (12_360, false));
    let r = ok(Protocol::MettlerContinuous, "S S     100.00 g");
    assert_eq!(
        (r.value_milli, r.unit, r.division_milli),
        (100_000, ScaleUnit::G, 10)
    );
    let r = ok(Protocol::MettlerContinuous, "S S     -0.02 kg");
    assert_eq!(r.value_milli, -20);
    assert_eq!(
        kind(Protocol::MettlerContinuous, "S +"),
        ScaleErrorKind::Range
    );
    assert_eq!(
        kind(Protocol::MettlerContinuous, "S -"),
        ScaleErrorKind::Range
    );
    assert_eq!(
        kind(Protocol::MettlerContinuous, "S I"),
        ScaleErrorKind::Unreadable
    );
    assert_eq!(
        kind(Protocol::MettlerContinuous, "ES"),
        ScaleErrorKind::Unreadable
    );
    assert_eq!(
        kind(Protocol::MettlerContinuous, "S S 1.0 lb"),
        ScaleErrorKind::Unit
    );
    assert_eq!(
        kind(Protocol::MettlerContinuous, "ST,GS,+0012.34kg"),
        ScaleErrorKind::Unreadable
    );
}

#[test]
fn readings_become_quantities_in_kg_or_t() {
    let q = ok(Protocol::Generic, "ST,GS,+0012.34kg")
        .quantity()
        .expect("q");
    assert_eq!((q.milli, q.unit), (12_340, Unit::Kg));
    let q = ok(Protocol::Generic, "ST,GS,+1250.4g")
        .quantity()
        .expect("q");
    assert_eq!((q.milli, q.unit), (1_250, Unit::Kg));
    let q = ok(Protocol::Generic, "ST,GS,+001.250t")
        .quantity()
        .expect("q");
    assert_eq!((q.milli, q.unit), (1_250, Unit::T));
    for empty in ["ST,GS,+0000.00kg", "ST,NT,-0001.00kg"] {
        let e = ok(Protocol::Generic, empty).quantity().expect_err(empty);
        assert_eq!(e.kind(), ScaleErrorKind::Range);
    }
}

#[test]
fn protocols_by_name() {
    for p in Protocol::ALL {
        assert_eq!(p.as_str().parse::<Protocol>(), Ok(p));
    }
    assert!("sartorius".parse::<Protocol>().is_err());
}

proptest! {
    #[test]
    fn any_line_is_parsed_or_refused(line in ".{0,60}") {
        for p in Protocol::ALL {
            let _ = p.parse_line(&line);
        }
    }

    #[test]
    fn near_lines_are_parsed_or_refused(
        status in "(ST|US|OL|S S|S D|S|)",
        sep in "[, ]{0,3}",
        number in "[+-]?[ 0-9]{0,20}(\\.[0-9]{0,5})?",
        unit in "(kg|g|t|lb| kg|KG|)",
    ) {
        let line = format!("{status}{sep}GS{sep}{number}{unit}");
        for p in Protocol::ALL {
            if let Ok(r) = p.parse_line(&line) {
                let _ = r.quantity();
            }
        }
    }

    #[test]
    fn near_toledo_frames_are_parsed_or_refused(
        status in proptest::collection::vec(any::<u8>(), 0..4),
        digits in "[0-9x ]{0,14}",
        lead in "\\PC{0,2}",
    ) {
        let status: String = status.into_iter().map(char::from).collect();
        let line = format!("{lead}\u{2}{status}{digits}");
        if let Ok(r) = Protocol::ToledoContinuous.parse_line(&line) {
            let _ = r.quantity();
        }
    }

    #[test]
    fn written_weights_read_back(milli in -99_999_999i64..99_999_999, stable: bool) {
        let amount = format!("{}{}.{:03}", if milli < 0 { "-" } else { "+" },
            milli.unsigned_abs() / 1000, milli.unsigned_abs() % 1000);
        let line = format!("{},GS,{amount}kg", if stable { "ST" } else { "US" });
        let r = Protocol::Generic.parse_line(&line).expect("a weight");
        prop_assert_eq!((r.value_milli, r.stable), (milli, stable));
        let line = format!("S {} {amount} kg", if stable { "S" } else { "D" });
        let r = Protocol::MettlerContinuous.parse_line(&line).expect("a weight");
        prop_assert_eq!((r.value_milli, r.stable), (milli, stable));
    }
}
