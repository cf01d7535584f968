//! The weighing screen's scale: a weight read from a simulated scale on a pseudo-terminal
//! fills the form, and the weighing it records names the scale; a scale that cannot be read
//! is an error kind the screen acts on, and nothing is recorded.
#![cfg(unix)]

mod common;

use common::{app, call, init, register};
use serde_json::json;
use yima_testdata::scale_sim::SimulatedScale;

#[test]
fn a_weight_read_from_the_scale_is_recorded_with_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let row = register(&w, "900-041-49", "25", "solid");
    let code = row["code"].as_str().unwrap().to_string();

    let scale = SimulatedScale::start(
        &["US,GS,+0003.10kg", "US,GS,+0024.70kg"],
        &["ST,GS,+0024.55kg"],
    );
    let reading = call(
        &w,
        "read_scale",
        json!({ "form": { "port": scale.port, "name": "DOCK-1", "timeout_secs": 10 }, "live": "__CHANNEL__:1" }),
    )
    .unwrap();
    drop(scale);
    assert_eq!(reading["amount"], "24.55");
    assert_eq!(reading["unit"], "kg");
    let identity = reading["scale"].as_str().unwrap().to_string();
    assert!(identity.starts_with("DOCK-1 /dev/"), "{identity}");

    let n = call(
        &w,
        "record_step",
        json!({ "req": { "codes": [code], "step": "weigh", "amount": "24.55", "unit": "kg",
                         "weigher": "王磊", "weighed_with": "scale", "scale": identity } }),
    )
    .unwrap();
    assert_eq!(n, 1);
    let tl = call(&w, "timeline", json!({ "code": code })).unwrap();
    let last = tl["steps"].as_array().unwrap().last().unwrap().clone();
    let details = last["details"].to_string();
    assert!(details.contains(&identity), "{details}");
    assert!(details.contains("24.55 kg"), "{details}");
}

#[test]
fn a_scale_that_cannot_be_read_is_a_kind_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let row = register(&w, "900-041-49", "25", "solid");
    let code = row["code"].as_str().unwrap().to_string();
    let events = || {
        call(&w, "timeline", json!({ "code": code })).unwrap()["steps"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = events();

    let e = call(
        &w,
        "read_scale",
        json!({ "form": { "port": "/dev/yima-no-such-port" }, "live": "__CHANNEL__:2" }),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "scale_port", "{e}");
    // A scale that swings and never settles, within the time given.
    let scale = SimulatedScale::start(&[], &["S D      24.10 kg", "S D      25.30 kg"]);
    let e = call(
        &w,
        "read_scale",
        json!({ "form": { "port": scale.port, "protocol": "mettler", "timeout_secs": 1 }, "live": "__CHANNEL__:3" }),
    )
    .unwrap_err();
    drop(scale);
    assert_eq!(e["kind"], "scale_unstable", "{e}");
    assert!(e["message"].as_str().unwrap().contains("未稳定"), "{e}");
    let e = call(
        &w,
        "read_scale",
        json!({ "form": { "port": "/dev/null", "protocol": "avery" }, "live": "__CHANNEL__:4" }),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "bad_input", "{e}");
    assert_eq!(events(), before);
}
