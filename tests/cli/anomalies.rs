//! `yima anomalies`: what needs attention in the containers a device holds, in both
//! languages, exit 1 when there is any (the rules themselves: yima-core's tests).

use crate::common::*;

#[test]
fn a_short_weight_at_receipt_and_a_transport_without_a_route_are_listed() {
    let w = World::new();
    let codes = dispatched(&w, 1); // 25 kg, weighed as labelled by the sender
    let a = codes[0].as_str();
    // Nothing yet at the sender.
    let out = w.p.run(&["--json", "anomalies"]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert_eq!(out.json()["anomalies"], serde_json::json!([]));
    assert!(w
        .p
        .ok(&["--lang", "en", "anomalies"])
        .contains("No anomalies"));

    w.handover(&w.p, &w.c, &pickup_args(&[a]));
    w.handover(&w.c, &w.r, &["receive", a, "--manifest", MANIFEST]);
    w.r.json(&[
        "record",
        "weigh",
        a,
        "--weight",
        "20",
        "--unit",
        "kg",
        "--weigher",
        "林娜",
    ]);

    let out = w.r.run(&["--json", "anomalies"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let list = out.json()["anomalies"].as_array().unwrap().clone();
    let mut rules: Vec<&str> = list.iter().map(|x| x["rule"].as_str().unwrap()).collect();
    rules.sort();
    assert_eq!(rules, ["track_missing", "weight_discrepancy"], "{list:#?}");
    assert!(list.iter().all(|x| x["container"] == a));

    let zh = w.r.run_env(&[("LANG", "zh_CN.UTF-8")], &["anomalies"]);
    assert_eq!(zh.code, Some(1));
    assert!(zh.stdout.contains("2 项异常"), "{}", zh.stdout);
    assert!(zh.stdout.contains(a), "{}", zh.stdout);
    assert!(has_chinese(&zh.stdout));
}
