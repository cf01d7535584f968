//! `yima manifests`: the manifests a device knows, with their containers, in both languages.

use crate::common::*;

#[test]
fn the_producer_lists_its_dispatched_manifest_with_every_container() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let v = w.p.json(&["manifests"]);
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1, "{v:#}");
    let m = &list[0];
    assert_eq!(m["number"], MANIFEST);
    assert_eq!(m["part"], "sender");
    assert_eq!(m["waiting"], 0, "nothing is still to come for the sender");
    assert_eq!(m["declared_kg_milli"], 50_000);
    let lines: Vec<&str> = m["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = codes.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(lines, want);

    let zh = w.p.run_env(&[("LANG", "zh_CN.UTF-8")], &["manifests"]);
    assert!(zh.success(), "{zh:#?}");
    assert!(
        zh.stdout.contains(&format!("联单编号 {MANIFEST}")),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("已出库"), "{}", zh.stdout);
    assert!(zh.stdout.trim_end().ends_with("1 张联单"), "{}", zh.stdout);
    let en = w.p.ok(&["--lang", "en", "manifests"]);
    assert!(en.trim_end().ends_with("1 manifests"), "{en}");

    // A device that knows no manifest says so with an empty list.
    assert_eq!(w.c.json(&["manifests"]), serde_json::json!([]));
}
