//! `yima export epcis`: GS1 EPCIS 2.0 JSON-LD for a container, a manifest or a period (the
//! document itself, and its validation against GS1's schema, are tested in yima-device).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn read(file: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(file).unwrap()).expect("a JSON-LD file")
}

fn events(doc: &Value) -> &Vec<Value> {
    assert_eq!(doc["type"], "EPCISDocument", "{doc:#}");
    assert_eq!(doc["schemaVersion"], "2.0", "{doc:#}");
    doc["epcisBody"]["eventList"].as_array().unwrap()
}

fn epc(code: &str) -> String {
    format!("urn:yima:label:{code}")
}

#[test]
fn epcis_exports_a_container_a_manifest_and_a_period() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let (a, b) = (codes[0].as_str(), codes[1].as_str());
    w.handover(&w.p, &w.c, &pickup_args(&[a, b]));
    w.handover(&w.c, &w.r, &["receive", a, b, "--manifest", MANIFEST]);
    let file = w.tmp.path().join("epcis.jsonld");
    let export = |args: &[&str]| {
        let mut all = vec!["export", "epcis"];
        all.extend_from_slice(args);
        all.extend(["-o", file.to_str().unwrap()]);
        let v = w.r.json(&all);
        let doc = read(&file);
        assert_eq!(v["value"], events(&doc).len().to_string(), "{v}");
        doc
    };

    // One container: the receiver's own receipt at the end, under the manifest.
    let doc = export(&["--container", a]);
    let last = events(&doc).last().unwrap().clone();
    assert_eq!(last["bizStep"], "receiving", "{last:#}");
    assert_eq!(
        last["bizTransactionList"][0]["bizTransaction"],
        format!("urn:yima:manifest:{MANIFEST}")
    );
    assert!(events(&doc)
        .iter()
        .all(|e| e["epcList"].as_array().unwrap().contains(&epc(a).into())));

    // The manifest: both drums.
    let doc = export(&["--manifest", MANIFEST]);
    for code in [a, b] {
        assert!(
            events(&doc)
                .iter()
                .any(|e| e["epcList"].as_array().unwrap().contains(&epc(code).into())),
            "{code}"
        );
    }

    // A period: everything from 2000 on, nothing before it.
    let all = export(&["--from", "2000-01-01"]);
    assert_eq!(events(&all).len() as u64, w.r.events());
    let none = export(&["--to", "1999-12-31"]);
    assert!(events(&none).is_empty());

    // In Chinese.
    let zh = w.r.ok(&[
        "--lang",
        "zh",
        "export",
        "epcis",
        "--manifest",
        MANIFEST,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(zh.contains("EPCIS 事件已导出"), "{zh}");
}

#[test]
fn epcis_takes_one_scope_and_refuses_what_it_does_not_hold() {
    let w = World::new();
    let codes = dispatched(&w, 1);
    let file = w.tmp.path().join("epcis.jsonld");
    let out = file.to_str().unwrap();
    // A container this device has never seen: refused, and no file written.
    let stranger = w.p.drum();
    let e =
        w.c.error(&["export", "epcis", "--container", &stranger, "-o", out]);
    assert_eq!(e["kind"], "unknown_container", "{e}");
    assert!(!file.exists());
    let e =
        w.p.error(&["export", "epcis", "--manifest", "12345", "-o", out]);
    assert_eq!(e["kind"], "bad_input", "{e}");
    let e =
        w.p.error(&["export", "epcis", "--from", "2025-13-01", "-o", out]);
    assert_eq!(e["kind"], "bad_input", "{e}");
    assert!(!file.exists());

    // One scope: a container and a manifest together, or none at all, is a usage error.
    let both = w.p.run(&[
        "export",
        "epcis",
        "--container",
        &codes[0],
        "--manifest",
        MANIFEST,
        "-o",
        out,
    ]);
    assert_eq!(both.code, Some(2), "{both:#?}");
    let none = w.p.run(&["export", "epcis", "-o", out]);
    assert_eq!(none.code, Some(2), "{none:#?}");
    let zh = w.p.run(&["--lang", "zh", "export", "epcis", "-o", out]);
    assert_eq!(zh.code, Some(2), "{zh:#?}");
    assert!(zh.stderr.contains("缺少必需的参数"), "{}", zh.stderr);
    assert!(!file.exists());

    // The help, in both languages.
    let en = w.p.ok(&["--lang", "en", "export", "epcis", "--help"]);
    assert!(en.contains("GS1 EPCIS 2.0"), "{en}");
    let zh = w.p.ok(&["--lang", "zh", "export", "epcis", "--help"]);
    assert!(zh.contains("转移联单编号"), "{zh}");
}
