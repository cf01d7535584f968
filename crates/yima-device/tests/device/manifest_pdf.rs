//! The transfer manifest to print, from a real custody flow: the producer registers, weighs
//! and dispatches three drums under a manifest, the carrier picks them up, the receiver takes
//! them, weighs one short (a discrepancy), accepts it, partly refuses another and accepts the
//! third; the receiver's sheet holds the parties, the quantities as sent and as received, and
//! every signature, verified, and renders as a PDF.

use crate::common::*;
use yima_core::{Role, Step};
use yima_device::{Action, ErrorKind, LedgerStage};
use yima_label::{SheetCell, SheetCorrection};

#[test]
fn a_received_manifest_prints_its_quantities_and_every_signature() {
    let clock = clock();
    let dirs = dirs();
    let (mut p, mut c, mut r) = parties(&dirs, &clock);
    let codes = dispatched(&mut p, 3); // 20, 21 and 22 kg, weighed as labelled
    deliver(&clock, &mut p, &mut c, &mut r, &codes);
    clock.advance(HOUR);
    let (a, b, third) = (&codes[0], &codes[1], &codes[2]);
    let one = std::slice::from_ref;
    one_short_one_partly_refused(&mut r, a, b);
    r.record(&req(one(third), weighed_by("22", "林娜")))
        .unwrap();
    r.record(&req(one(third), Action::Accept { quantity: None }))
        .unwrap();

    let sheet = r.manifest_sheet(&manifest_number()).unwrap();
    assert_eq!(sheet.number, "20253501000123");
    assert_eq!(
        sheet.sender.credit_code,
        producer_org().credit_code.as_str()
    );
    assert_eq!(sheet.sender.name, producer_org().name);
    assert_eq!(
        sheet.receiver.credit_code,
        receiver_org().credit_code.as_str()
    );
    assert_eq!(sheet.receiver_permit, "闽危废经许字 350200001 号");
    assert_eq!(sheet.carriers.len(), 1);
    let carrier = &sheet.carriers[0];
    assert_eq!(
        carrier.party.credit_code,
        carrier_org().credit_code.as_str()
    );
    assert_eq!(
        (carrier.vehicle_plate.as_str(), carrier.driver.as_str()),
        ("闽A·D1234", "陈师傅")
    );
    assert!(carrier.permit.contains("350100000001"));

    // The lines, by code: sent as weighed by the sender, as received, accepted, refused.
    assert_eq!(sheet.lines.len(), 3);
    let line = |code: &yima_codes::LabelCode| {
        sheet
            .lines
            .iter()
            .find(|l| l.label_code == code.as_str())
            .unwrap()
    };
    let la = line(a);
    assert_eq!(
        (la.waste_code.as_str(), la.category.as_str()),
        ("900-041-49", "HW49")
    );
    assert_eq!(la.sent, "20 kg");
    assert_eq!(la.received.as_deref(), Some("19 kg"));
    assert_eq!(la.discrepancy.as_deref(), Some("-1 kg"));
    assert_eq!(la.accepted.as_deref(), Some("19 kg"));
    assert_eq!(la.refused, None);
    let lb = line(b);
    assert_eq!(lb.sent, "21 kg");
    assert_eq!(lb.received.as_deref(), Some("21 kg"));
    assert_eq!(lb.discrepancy, None);
    assert_eq!(lb.accepted.as_deref(), Some("15 kg"));
    assert_eq!(lb.refused.as_deref(), Some("6 kg"));
    assert_eq!(lb.refusal_reason, "包装破损");
    assert_eq!(line(third).accepted.as_deref(), Some("22 kg"));
    assert!(
        sheet.totals.contains(&"发出 sent 63 kg".to_string()),
        "{:?}",
        sheet.totals
    );
    assert!(sheet.totals.contains(&"拒收 refused 6 kg".to_string()));

    // Every signature of every step from the dispatch on, each verified here.
    let steps: Vec<&str> = sheet.signatures.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(
        steps.iter().filter(|s| s.starts_with("出库")).count(),
        1,
        "{steps:?}"
    );
    assert_eq!(
        steps.iter().filter(|s| s.starts_with("运输")).count(),
        2,
        "{steps:?}"
    );
    assert_eq!(
        steps.iter().filter(|s| s.starts_with("接收")).count(),
        2,
        "{steps:?}"
    );
    assert!(steps.iter().any(|s| s.starts_with("部分拒收")), "{steps:?}");
    assert!(sheet.signatures.iter().all(|s| s.verified));
    let dispatch = &sheet.signatures[0];
    assert!(dispatch.step.starts_with("出库"));
    assert_eq!(dispatch.role, "移出人 sender");
    assert_eq!(dispatch.operator.as_deref(), Some("王磊"));
    assert_eq!(dispatch.containers, 3);
    assert_eq!(dispatch.at, "2025-01-01 08:00:00");
    let pickup: Vec<_> = sheet
        .signatures
        .iter()
        .filter(|s| s.step.starts_with("运输"))
        .collect();
    let roles: Vec<&str> = pickup.iter().map(|s| s.role.as_str()).collect();
    assert!(roles.contains(&"移出人 sender") && roles.contains(&"承运人 carrier"));
    assert_ne!(pickup[0].key, pickup[1].key);
    let receipt = sheet
        .signatures
        .iter()
        .find(|s| s.step.starts_with("接收") && s.role == "接受人 receiver")
        .unwrap();
    assert_eq!(receipt.operator.as_deref(), Some("林娜"));
    assert_eq!(receipt.party.name, receiver_org().name);

    // The PDF: one A4 page with the font embedded.
    let pdf = r.manifest_pdf(&manifest_number()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.windows(21).any(|w| w == b"NotoSansCJKsc-Regular"));
    let file = r
        .export_manifest_pdf(dirs[2].path(), &manifest_number())
        .unwrap();
    assert!(file.to_string_lossy().contains("manifest-20253501000123"));

    // The carrier prints the same manifest with what it holds: nothing received yet.
    let on_carrier = c.manifest_sheet(&manifest_number()).unwrap();
    assert_eq!(on_carrier.lines.len(), 3);
    assert!(on_carrier.lines.iter().all(|l| l.accepted.is_none()));
}

#[test]
fn an_unknown_manifest_number_is_its_own_error() {
    let clock = clock();
    let dir = tempfile::tempdir().unwrap();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let other = yima_codes::ManifestNumber::new(2025, 35, 1, 999).unwrap();
    let e = p.manifest_pdf(&other).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownManifest, "{e}");
    assert!(
        e.message(yima_codes::Lang::Zh).contains("20253501000999"),
        "{e}"
    );
}

/// The id of the last `step` in `code`'s history on `dev`.
fn dirs() -> [tempfile::TempDir; 3] {
    std::array::from_fn(|_| tempfile::tempdir().unwrap())
}

/// The producer (王磊), the carrier (陈师傅) and the receiver (林娜), each with its operator.
fn parties<'a>(
    dirs: &[tempfile::TempDir; 3],
    clock: &'a yima_device::ManualClock,
) -> (Dev<'a>, Dev<'a>, Dev<'a>) {
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), clock);
    p.set_operator("王磊").unwrap();
    c.set_operator("陈师傅").unwrap();
    r.set_operator("林娜").unwrap();
    (p, c, r)
}

/// `codes`, dispatched, picked up an hour later and delivered five hours after that.
fn deliver(
    clock: &yima_device::ManualClock,
    p: &mut Dev<'_>,
    c: &mut Dev<'_>,
    r: &mut Dev<'_>,
    codes: &[yima_codes::LabelCode],
) {
    clock.advance(HOUR);
    hand_over(p, c, codes, pickup());
    clock.advance(5 * HOUR);
    hand_over(c, r, codes, receive());
}

/// The receiver weighs `a` at 19 kg (1 kg short) and accepts it, weighs `b` at 21 kg and
/// accepts 15 kg of it, refusing 6 kg (包装破损).
fn one_short_one_partly_refused(
    r: &mut Dev<'_>,
    a: &yima_codes::LabelCode,
    b: &yima_codes::LabelCode,
) {
    let one = std::slice::from_ref;
    r.record(&req(one(a), weighed_by("19", "林娜"))).unwrap();
    r.record(&req(one(a), Action::Accept { quantity: None }))
        .unwrap();
    r.record(&req(one(b), weighed_by("21", "林娜"))).unwrap();
    r.record(&req(
        one(b),
        Action::PartlyRefuse {
            accepted: q("15"),
            refused: q("6"),
            reason: "包装破损".into(),
        },
    ))
    .unwrap();
}

#[test]
fn the_sheet_shows_the_receivers_corrections_marked_and_signed() {
    let clock = clock();
    let dirs = dirs();
    let (mut p, mut c, mut r) = parties(&dirs, &clock);
    let codes = dispatched(&mut p, 2); // 20 and 21 kg
    deliver(&clock, &mut p, &mut c, &mut r, &codes);
    clock.advance(HOUR);
    let (a, b) = (&codes[0], &codes[1]);
    let one = std::slice::from_ref;
    one_short_one_partly_refused(&mut r, a, b);
    let before = r.manifest_sheet(&manifest_number()).unwrap();
    assert!(before.lines.iter().all(|l| l.corrected.is_empty()));

    // The scale was misread: 18.5 kg, not 19, weighed and accepted; the refusal's reason
    // is worded better.
    clock.advance(HOUR);
    let weighed = last_step(&mut r, a, Step::Weighing);
    let accepted = last_step(&mut r, a, Step::Accepted);
    let refusal = last_step(&mut r, b, Step::PartlyRefused);
    r.record(&req(one(a), correct(weighed, "quantity", "18.5")))
        .unwrap();
    r.record(&req(one(a), correct(accepted, "quantity", "18.5")))
        .unwrap();
    r.record(&req(one(b), correct(refusal, "reason", "包装破损，渗漏")))
        .unwrap();
    // The split of a partly refused container is not a correctable field of the step: the
    // core refuses it, nothing stored, so the sheet keeps 15 / 6 kg.
    let stored = events(&mut r);
    let e = r
        .record(&req(one(b), correct(refusal, "quantity", "14")))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e:?}");
    assert_eq!(events(&mut r), stored);

    let sheet = r.manifest_sheet(&manifest_number()).unwrap();
    let line = |code: &yima_codes::LabelCode| {
        sheet
            .lines
            .iter()
            .find(|l| l.label_code == code.as_str())
            .unwrap()
            .clone()
    };
    let was = |cell, original: &str| SheetCorrection {
        cell,
        original: original.into(),
    };
    let la = line(a);
    assert_eq!(la.sent, "20 kg");
    assert_eq!(la.received.as_deref(), Some("18.5 kg"));
    assert_eq!(la.discrepancy.as_deref(), Some("-1.5 kg"));
    assert_eq!(la.accepted.as_deref(), Some("18.5 kg"));
    assert_eq!(
        la.corrected,
        [
            was(SheetCell::Received, "19 kg"),
            was(SheetCell::Accepted, "19 kg")
        ]
    );
    let lb = line(b);
    assert_eq!(lb.received.as_deref(), Some("21 kg"));
    assert_eq!(lb.accepted.as_deref(), Some("15 kg"));
    assert_eq!(lb.refused.as_deref(), Some("6 kg"));
    assert_eq!(lb.refusal_reason, "包装破损，渗漏");
    assert_eq!(lb.corrected, [was(SheetCell::Refused, "包装破损")]);
    // The totals follow the corrected values.
    for total in [
        "发出 sent 41 kg",
        "接收称重 weighed on receipt 39.5 kg",
        "接受 accepted 33.5 kg",
        "拒收 refused 6 kg",
    ] {
        assert!(
            sheet.totals.contains(&total.to_string()),
            "{:?}",
            sheet.totals
        );
    }
    // Each correction is signed for: by the receiver's 林娜, after the steps, verified.
    let fixes: Vec<_> = sheet
        .signatures
        .iter()
        .filter(|s| s.step == "更正 correction")
        .collect();
    assert_eq!(fixes.len(), 3, "{:?}", sheet.signatures);
    for f in &fixes {
        assert_eq!(f.role, "接受人 receiver");
        assert_eq!(f.party.credit_code, receiver_org().credit_code.as_str());
        assert_eq!(f.operator.as_deref(), Some("林娜"));
        assert_eq!(f.containers, 1);
        assert_eq!(f.at, "2025-01-01 16:00:00");
        assert!(f.verified);
    }
    assert_eq!(
        sheet.signatures.last().unwrap().step,
        "更正 correction",
        "in the order they happened"
    );
    // The ledger applies the same correction of the acceptance.
    let rows = r.ledger().unwrap();
    assert!(rows
        .iter()
        .any(|x| x.stage == LedgerStage::Correction && x.note == "quantity: 19 → 18.5"));
    // And the PDF renders it.
    assert!(r
        .manifest_pdf(&manifest_number())
        .unwrap()
        .starts_with(b"%PDF-"));

    // The carrier corrects its own pickup's plate: its sheet shows it, marked.
    let picked = last_step(&mut c, a, Step::PickedUp);
    c.record(&req(one(a), correct(picked, "vehicle_plate", "闽A·D1243")))
        .unwrap();
    let on_carrier = c.manifest_sheet(&manifest_number()).unwrap();
    assert_eq!(on_carrier.carriers.len(), 1);
    assert_eq!(on_carrier.carriers[0].vehicle_plate, "闽A·D1243");
    assert_eq!(
        on_carrier.carriers[0].corrected,
        [was(SheetCell::VehiclePlate, "闽A·D1234")]
    );
}

#[test]
fn a_correction_by_anyone_but_the_recorder_is_refused_and_the_sheet_unchanged() {
    let clock = clock();
    let dirs = dirs();
    let (mut p, mut c, mut r) = parties(&dirs, &clock);
    let codes = dispatched(&mut p, 1);
    deliver(&clock, &mut p, &mut c, &mut r, &codes);
    let a = &codes[0];
    let one = std::slice::from_ref;
    r.record(&req(one(a), Action::Accept { quantity: None }))
        .unwrap();
    let before = r.manifest_sheet(&manifest_number()).unwrap();
    let stored = events(&mut r);
    // The receiver, a party to the chain, tries to correct the carrier's pickup and the
    // sender's weighing (what the sheet shows as sent).
    let picked = last_step(&mut r, a, Step::PickedUp);
    let weighed = last_step(&mut r, a, Step::Weighing);
    for (id, field, value) in [(picked, "driver", "李师傅"), (weighed, "quantity", "25")] {
        let e = r
            .record(&req(one(a), correct(id, field, value)))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{field}: {e:?}");
        assert!(e.message(yima_codes::Lang::Zh).contains("只有记录单位"));
    }
    assert_eq!(events(&mut r), stored, "nothing stored");
    assert_eq!(r.manifest_sheet(&manifest_number()).unwrap(), before);
}
