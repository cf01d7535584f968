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
    // Without --dir the demo keeps its data in a new directory and says how to look at it.
    let dir = std::path::Path::new(v["data_dir"].as_str().unwrap()).to_path_buf();
    assert!(
        dir.join("producer").join("yima.db").exists(),
        "{}",
        dir.display()
    );
    let next: Vec<&str> = v["next"]
        .as_array()
        .expect("next")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(next.iter().any(|c| c.contains(" history ")), "{next:?}");
    assert!(
        next.iter().any(|c| c.contains(" ledger export ")),
        "{next:?}"
    );
    assert!(next.iter().any(|c| c.ends_with(" verify")), "{next:?}");
    assert!(next.iter().any(|c| c.contains(" label ")), "{next:?}");
}

/// The demo ends with the next commands to try, written out with its data directory, and
/// each of them works there.
#[test]
fn demo_output_ends_with_next_commands_that_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kept");
    let out = yima(
        None,
        &[("LANG", "zh_CN.UTF-8")],
        &["--data-dir", dir.to_str().unwrap(), "demo"],
    );
    assert!(out.success(), "{out:#?}");
    let tail: Vec<&str> = out.stdout.lines().rev().take(14).collect();
    let commands: Vec<&str> = tail
        .iter()
        .rev()
        .map(|l| l.trim())
        .filter(|l| l.starts_with("yima "))
        .collect();
    assert_eq!(commands.len(), 5, "{}", out.stdout);
    assert!(out.stdout.contains("演示数据保存在"), "{}", out.stdout);
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        for (i, w) in words.iter().enumerate() {
            if *w == "-o" {
                args[i + 1] = tmp.path().join(words[i + 1]).display().to_string();
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = yima(None, &[], &args);
        assert!(run.success(), "{command}: {run:#?}");
    }
    // The history's field names are Chinese under a Chinese locale.
    assert!(out.stdout.contains("联单编号="), "{}", out.stdout);
    assert!(!out.stdout.contains("manifest="), "{}", out.stdout);
}
