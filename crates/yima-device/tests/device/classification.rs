//! Classification beyond the catalogue entry: `900-000-NN` (found hazardous by testing, no
//! existing code fitting) accepted from 2025-01-01 with the reason and the test report; a
//! hazard characteristic outside the entry only with a stated reason. Refusals store nothing.

use crate::common::*;
use yima_codes::Lang;
use yima_core::{Role, Timestamp};
use yima_device::{ErrorKind, NewContainer};

fn tested(reason: &str, report: &str) -> NewContainer {
    NewContainer {
        waste_code: "900-000-49".into(),
        name: Some("鉴别为危险废物的废活性炭".into()),
        hazards: Some("T".into()),
        classification_reason: reason.into(),
        test_report: report.into(),
        ..drum("30")
    }
}

#[test]
fn a_tested_waste_code_needs_a_reason_and_a_test_report() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock(); // 2025-01-01
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    for bad in [tested("", "JC-2025-001"), tested("无适用代码", " ")] {
        let e = p.register(&bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
        assert!(e.message(Lang::En).contains("--test-report"), "{e}");
    }
    let no_hazards = NewContainer {
        hazards: None,
        ..tested("无适用代码", "JC-2025-001")
    };
    assert_eq!(
        p.register(&no_hazards).unwrap_err().kind(),
        ErrorKind::BadInput
    );
    // Before the 2025 text it is not a code at all.
    let early = NewContainer {
        at: Some(Timestamp(T0.0 - 24 * HOUR)),
        ..tested("无适用代码", "JC-2025-001")
    };
    assert_eq!(
        p.register(&early).unwrap_err().kind(),
        ErrorKind::UnknownWasteCode
    );
    assert_eq!(events(&mut p), 0);

    let label = p
        .register(&tested("按主要有害成分无适用代码", "JC-2025-001"))
        .unwrap();
    assert_eq!(label.waste_code.to_string(), "900-000-49");
    assert_eq!(label.category.to_string(), "HW49");
    assert!(
        label.remarks.contains("按主要有害成分无适用代码"),
        "{}",
        label.remarks
    );
    assert!(label.remarks.contains("JC-2025-001"), "{}", label.remarks);
    assert_verifies(&mut p);
}

#[test]
fn a_hazard_outside_the_catalogue_entry_needs_a_stated_reason() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    // 900-041-49 is T/In: flammability (I) is outside it.
    let flammable = NewContainer {
        hazards: Some("T,I".into()),
        ..drum("20")
    };
    let e = p.register(&flammable).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert!(
        e.message(Lang::Zh).contains("理由"),
        "{}",
        e.message(Lang::Zh)
    );
    assert_eq!(events(&mut p), 0);
    let stated = NewContainer {
        classification_reason: "沾染溶剂，闪点检测 < 60 ℃".into(),
        ..flammable
    };
    let label = p.register(&stated).unwrap();
    assert!(label.remarks.contains("闪点"), "{}", label.remarks);
    // Within the entry no reason is asked.
    p.register(&NewContainer {
        hazards: Some("T".into()),
        ..drum("20")
    })
    .unwrap();
}
