//! `yima road`: a carrier's pass as text and QR code, read offline by an inspector with no
//! data directory, from the text or a photo of the code; refused before the pickup and by a
//! producer, altered or damaged. (The registry's side: yima-sync's `road` tests.)

use crate::common::*;

#[test]
fn a_carrier_shows_a_pass_and_an_inspector_without_an_account_reads_it() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();

    // Before the pickup: nothing in transit, in both languages.
    let e = w.c.error(&["road", "pass", "--manifest", MANIFEST]);
    assert_eq!(e["kind"], "not_in_transit", "{e}");
    w.handover(&w.p, &w.c, &pickup_args(&refs));
    let e = w.p.error(&["road", "pass", "--manifest", MANIFEST]);
    assert_eq!(e["kind"], "forbidden", "{e}");
    let e =
        w.c.error(&["road", "pass", "--manifest", MANIFEST, "--minutes", "600"]);
    assert_eq!(e["kind"], "bad_input", "{e}");

    let png = w.tmp.path().join("pass.png");
    let shown = w.c.json(&[
        "road",
        "pass",
        "--manifest",
        MANIFEST,
        "-o",
        png.to_str().unwrap(),
    ]);
    let text = shown["text"].as_str().unwrap().to_string();
    assert!(text.starts_with("YIMA-RP1:"), "{shown}");
    assert_eq!(shown["containers"], 2);

    // An inspector with no data directory: from the text and from the photo, the same.
    let nobody = w.tmp.path().join("inspector");
    for pass in [text.as_str(), png.to_str().unwrap()] {
        let out = yima(Some(&nobody), &[], &["--json", "road", "check", pass]);
        assert_eq!(out.code, Some(0), "{out:#?}");
        let v = out.json();
        assert_eq!(v["pass"]["manifest"], MANIFEST);
        assert_eq!(v["pass"]["key"], "unknown");
        assert_eq!(v["pass"]["lines"].as_array().unwrap().len(), 2);
        assert_eq!(v["registry"], serde_json::Value::Null);
    }
    assert!(!nobody.join("yima.db").exists(), "reading stores nothing");
    let zh = yima(
        Some(&nobody),
        &[("LANG", "zh_CN.UTF-8")],
        &["road", "check", &text],
    );
    assert_eq!(zh.code, Some(0), "{zh:#?}");
    assert!(
        zh.stdout.contains("联单") && zh.stdout.contains(refs[0]),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("本设备未知"), "{}", zh.stdout);

    // One character changed, or cut short: refused, nothing shown.
    let mut altered = text.clone().into_bytes();
    let i = altered.len() - 5;
    altered[i] = if altered[i] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    for bad in [altered.as_str(), &text[..text.len() - 4]] {
        let out = yima(Some(&nobody), &[], &["--json", "road", "check", bad]);
        assert_ne!(out.code, Some(0), "{out:#?}");
        assert!(!out.stdout.contains(refs[0]), "{}", out.stdout);
        assert_eq!(out.json()["error"]["kind"], "bad_road_pass", "{out:#?}");
    }
    // --online with no device to name a registry: a clear error.
    let out = yima(Some(&nobody), &[], &["road", "check", &text, "--online"]);
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("--registry"), "{}", out.stderr);
}
