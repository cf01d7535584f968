//! `yima record weigh --scale-port …`: the weight read from a simulated scale on a
//! pseudo-terminal through the real binary, recorded as weighed electronically with the
//! scale's identity.

use crate::common::*;
use yima_testdata::scale_sim::SimulatedScale;

#[test]
fn a_weight_read_from_a_scale_is_recorded_as_weighed_electronically_with_the_scale() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let settling = ["US,GS,+0003.10kg", "US,GS,+0024.10kg", "US,GS,+0024.70kg"];
    let scale = SimulatedScale::start(&settling, &["ST,GS,+0024.55kg"]);
    let path = scale.port.clone();
    let v = p.json(&[
        "record",
        "weigh",
        &a,
        "--scale-port",
        &path,
        "--scale-name",
        "DOCK-1",
        "--weigher",
        "林娜",
    ]);
    drop(scale);
    assert_eq!(v["step"], "weighing");

    let h = p.history(&a);
    let last = h["events"].as_array().unwrap().last().unwrap().clone();
    let identity = format!("DOCK-1 {path} (generic)");
    assert_eq!(
        last["details"],
        serde_json::json!([
            ["measured", "24.55 kg"],
            ["method", "scale"],
            ["scale", identity],
            ["weigher", "林娜"]
        ])
    );
    let zh = p.run_env(&[("LANG", "zh_CN.UTF-8")], &["history", &a]);
    assert!(
        zh.stdout.contains(&format!("电子秤自动读取={identity}")),
        "{zh:#?}"
    );
    let en = p.ok(&["history", &a]);
    assert!(en.contains(&format!("read from scale={identity}")), "{en}");
    p.assert_verifies();
}

#[test]
fn a_scale_that_never_settles_records_nothing_and_manual_entry_stays_the_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let swinging = [
        "S D      24.10 kg",
        "S S      24.90 kg",
        "S D      25.30 kg",
    ];
    let scale = SimulatedScale::start(&[], &swinging);
    let path = scale.port.clone();
    let weigh = ["record", "weigh", &a, "--weigher", "林娜"];
    let mut args = weigh.to_vec();
    args.extend([
        "--scale-port",
        &path,
        "--scale-protocol",
        "mettler",
        "--scale-timeout",
        "2",
    ]);
    let e = p.error(&args);
    drop(scale);
    assert_eq!(e["kind"], "unstable", "{e}");
    let before = p.history(&a)["events"].as_array().unwrap().len();

    // Both a scale and a typed weight: refused before anything is read.
    let mut both = args.clone();
    both.extend(["--weight", "24.6", "--unit", "kg"]);
    assert!(!p.run(&both).success());

    // Typed in: no scale named.
    let mut typed = weigh.to_vec();
    typed.extend([
        "--weight",
        "24.6",
        "--unit",
        "kg",
        "--weighed-with",
        "manual",
    ]);
    p.ok(&typed);
    let h = p.history(&a);
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), before + 1);
    let details = events.last().unwrap()["details"].to_string();
    assert!(details.contains(r#"["method","manual"]"#), "{details}");
    assert!(!details.contains("scale\","), "{details}");
}
