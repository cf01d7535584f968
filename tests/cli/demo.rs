//! `yima demo`.

use crate::common::yima;
use serde_json::Value;

#[test]
fn demo_runs_and_every_device_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = yima(None, &[], &["demo", "--dir", dir.to_str().unwrap()]);
    assert!(out.success(), "{out:#?}");
    for who in ["producer", "carrier", "receiver"] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{who}: ")))
            .unwrap_or_else(|| panic!("no verification line for {who}: {}", out.stdout));
        assert!(line.contains("verified:"), "{line}");
        assert!(!line.contains("FAILED"), "{line}");
    }
    assert!(!out.stdout.contains('✗'), "{}", out.stdout);
    // The demo's devices are real data directories the other commands can open.
    for who in ["producer", "carrier", "receiver"] {
        let v = yima(Some(&dir.join(who)), &[], &["--json", "verify"]);
        assert!(v.success(), "{v:#?}");
        assert_eq!(v.json()["ok"], Value::Bool(true));
    }
}

#[test]
fn demo_json_is_valid_and_every_verification_is_ok() {
    let out = yima(None, &[], &["demo", "--json"]);
    assert!(out.success(), "{out:#?}");
    let v = out.json();
    let report = &v["report"];
    let verification = report["verification"].as_object().expect("verification");
    let mut who: Vec<&str> = verification.keys().map(String::as_str).collect();
    who.sort();
    assert_eq!(who, ["carrier", "producer", "receiver"]);
    for (name, r) in verification {
        assert_eq!(r["ok"], Value::Bool(true), "{name}: {r:#}");
        assert!(r["events"].as_u64().unwrap() > 0, "{name}");
    }
    let containers = report["containers"].as_array().expect("containers");
    assert!(containers.len() >= 3);
    for c in containers {
        let (code, history, check) = (&c[0], &c[1], &c[2]);
        assert_eq!(code.as_str().unwrap().len(), 37);
        assert!(!history.as_array().unwrap().is_empty());
        assert_eq!(check["ok"], Value::Bool(true), "{code}: {check:#}");
    }
    // Without --dir the demo cleans up after itself.
    let dir = v["data_dir"].as_str().unwrap();
    assert!(!std::path::Path::new(dir).exists(), "{dir} left behind");
}
