//! The audit screen's commands through Tauri's mock runtime: what a device with no registry,
//! a malformed filter and an unreachable registry are told, the choices offered, and a
//! bundle's timeline as the screen sees it, verified and tampered with. The registry's own
//! answers are tested through real registries in yima-sync's tests and, through this app,
//! by the WebDriver test (ui/e2e/custody.test.mjs).

mod common;

use common::{app, call, init, register};
use serde_json::{json, Value};
use yima_core::BundleScope;
use yima_device::{Device, SystemClock};

/// A filter with every field empty, then `set`.
fn filter(set: &[(&str, &str)]) -> Value {
    let mut f = json!({
        "code": "", "org": "", "producer": "", "waste": "", "category": "", "manifest": "",
        "plate": "", "carrier": "", "division": "", "state": "", "since": "", "until": ""
    });
    for (k, v) in set {
        f[*k] = json!(v);
    }
    f
}

#[test]
fn without_a_registry_the_audit_says_so_and_a_malformed_filter_is_named_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, g) = app(dir.path());
    init(&g, "regulator", "福建省生态环境厅", "11350000MB0000001W");

    let choices = call(&g, "audit_choices", json!({})).unwrap();
    assert_eq!(choices["states"].as_array().unwrap().len(), 12, "{choices}");
    assert!(
        choices["states"]
            .as_array()
            .unwrap()
            .contains(&json!({ "state": "in_transit", "name": "运输中" })),
        "{choices}"
    );
    assert_eq!(choices["groups"][6], "state", "{choices}");

    let err = call(
        &g,
        "audit_search",
        json!({ "filter": filter(&[("plate", "闽A·D1234")]), "after": null, "limit": null }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "not_enrolled", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("登记中心"),
        "{err}"
    );
    let err = call(
        &g,
        "audit_counts",
        json!({ "filter": filter(&[]), "by": "state" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "not_enrolled", "{err}");
    // A real container's code, from a producer's device.
    let pdir = tempfile::tempdir().unwrap();
    let (_papp, p) = app(pdir.path());
    init(&p, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let row = register(&p, "900-249-08", "180", "liquid");
    let code = row["code"].as_str().unwrap();
    let err = call(&g, "audit_timeline", json!({ "code": code })).unwrap_err();
    assert_eq!(err["kind"], "not_enrolled", "{err}");

    // A day that is none, an end before the start, a grouping that is none, a code that is
    // none: refused here, whether or not a registry could be asked.
    for f in [
        filter(&[("since", "2026-13-01")]),
        filter(&[("since", "2026-05-02"), ("until", "2026-05-01")]),
    ] {
        let err = call(
            &g,
            "audit_search",
            json!({ "filter": f, "after": null, "limit": null }),
        )
        .unwrap_err();
        assert_eq!(err["kind"], "bad_input", "{err}");
    }
    let err = call(
        &g,
        "audit_counts",
        json!({ "filter": filter(&[]), "by": "planet" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    assert!(err["message"].as_str().unwrap().contains("planet"), "{err}");
    let err = call(&g, "audit_timeline", json!({ "code": "not a code" })).unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");

    // Enrolled with a registry that does not answer: offline, said as such, soon.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Device::open(dir.path(), SystemClock)
        .unwrap()
        .set_registry(&format!("http://127.0.0.1:{port}"))
        .unwrap();
    let started = std::time::Instant::now();
    let err = call(
        &g,
        "audit_search",
        json!({ "filter": filter(&[("manifest", "20263501000123")]), "after": null, "limit": 50 }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sync_unreachable", "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "a person waits: {:?}",
        started.elapsed()
    );
    let err = call(
        &g,
        "audit_counts",
        json!({ "filter": filter(&[]), "by": "state" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sync_unreachable", "{err}");
    let err = call(&g, "audit_timeline", json!({ "code": code })).unwrap_err();
    assert_eq!(err["kind"], "sync_unreachable", "{err}");
}

#[test]
fn a_bundles_timeline_shows_each_step_verified_and_what_fails_in_one_tampered_with() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, p) = app(dir.path());
    init(&p, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let code = register(&p, "900-249-08", "180", "liquid")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &p,
        "record_step",
        json!({ "req": { "codes": [&code], "step": "store", "facility_code": "WS-01" } }),
    )
    .unwrap();
    let label = code.parse().unwrap();
    let text = Device::open(dir.path(), SystemClock)
        .unwrap()
        .bundle(&BundleScope::Container(code.parse().unwrap()))
        .unwrap()
        .to_text();

    let tl = yima_device::bundle_timeline(text.as_bytes(), &label).unwrap();
    let view =
        serde_json::to_value(yima_app::AuditTimelineView::new(tl, yima_codes::Lang::En)).unwrap();
    assert_eq!(view["ok"], true, "{view}");
    assert_eq!(view["code"], json!(code));
    let steps = view["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{view}");
    assert_eq!(steps[0]["step"], "generated");
    assert_eq!(steps[1]["step"], "stored", "{view}");
    assert_eq!(steps[1]["step_name"], "stored", "{view}");
    for s in steps {
        assert_eq!(s["verified"], true, "{view}");
        assert_eq!(s["problems"], json!([]), "{view}");
        assert_eq!(s["org"], "91350100M000100Y43", "{view}");
        assert_eq!(s["org_name"], "福州示例化工有限公司", "{view}");
        assert!(s["at"].as_str().unwrap().contains('T'), "{view}");
    }

    // The registration's facility changed after signing: that event no longer matches its
    // id, so it is shown unread, and the stored step after it fails its link; named, in
    // Chinese.
    let tampered = text.replacen("WS-01", "WS-09", 1);
    assert_ne!(tampered, text, "the bundle names the facility");
    let tl = yima_device::bundle_timeline(tampered.as_bytes(), &label).unwrap();
    let view =
        serde_json::to_value(yima_app::AuditTimelineView::new(tl, yima_codes::Lang::Zh)).unwrap();
    assert_eq!(view["ok"], false, "{view}");
    assert!(!view["failures"].as_array().unwrap().is_empty(), "{view}");
    let failing: Vec<&Value> = view["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verified"] == false)
        .collect();
    assert!(!failing.is_empty(), "{view}");
    assert!(
        failing
            .iter()
            .all(|s| !s["problems"].as_array().unwrap().is_empty()),
        "{view}"
    );
    let steps = view["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{view}");
    assert_eq!(steps[0]["step"], Value::Null, "{view}");
    assert_eq!(steps[0]["step_name"], "无法读取的事件", "{view}");
    assert!(
        steps[0]["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("id_mismatch"),
        "{view}"
    );
    assert_eq!(steps[1]["step_name"], "入库", "{view}");
    assert!(
        steps[1]["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("broken_link"),
        "{view}"
    );
}
