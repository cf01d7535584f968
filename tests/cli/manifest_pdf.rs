//! `yima export manifest`: the transfer manifest as PDF after a real flow through the binary
//! (the sheet's contents and the PDF's text are tested in yima-device and yima-label).

use crate::common::*;

#[test]
fn export_manifest_writes_the_pdf_and_refuses_an_unknown_number() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let (a, b) = (codes[0].as_str(), codes[1].as_str());
    w.handover(&w.p, &w.c, &pickup_args(&[a, b]));
    w.handover(&w.c, &w.r, &["receive", a, b, "--manifest", MANIFEST]);
    w.r.json(&["record", "accept", a]);
    w.r.json(&[
        "record",
        "refuse",
        b,
        "--reason",
        "包装破损",
        "--accepted",
        "20",
        "--refused",
        "5",
        "--unit",
        "kg",
    ]);
    let file = w.tmp.path().join("manifest.pdf");
    let out = file.to_str().unwrap();
    let v = w.r.json(&["export", "manifest", MANIFEST, "-o", out]);
    assert_eq!(v["ok"], true, "{v}");
    let pdf = std::fs::read(&file).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.windows(21).any(|w| w == b"NotoSansCJKsc-Regular"));
    let zh =
        w.r.ok(&["--lang", "zh", "export", "manifest", MANIFEST, "-o", out]);
    assert!(zh.contains("转移联单 PDF 已写出"), "{zh}");

    // A number this device holds nothing under, and one that is no number: no file.
    let other = w.tmp.path().join("other.pdf");
    let o = other.to_str().unwrap();
    let e =
        w.r.error(&["export", "manifest", "20263501999999", "-o", o]);
    assert_eq!(e["kind"], "unknown_manifest", "{e}");
    let e = w.r.error(&["export", "manifest", "12345", "-o", o]);
    assert_eq!(e["kind"], "bad_input", "{e}");
    assert!(!other.exists());

    // The help, in both languages.
    let en = w.p.ok(&["--lang", "en", "export", "manifest", "--help"]);
    assert!(en.contains("transfer manifest as PDF"), "{en}");
    let zh = w.p.ok(&["--lang", "zh", "export", "manifest", "--help"]);
    assert!(zh.contains("转移联单 PDF"), "{zh}");
}
