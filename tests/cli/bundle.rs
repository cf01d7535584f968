//! `yima export bundle` and `yima verify --bundle`: a container's evidence bundle from a
//! device verifies with no data directory at all, and one byte changed in one event fails,
//! naming that event, with a non-zero exit (the registry's bundle: yima-sync's tests).

use crate::common::*;

#[test]
fn a_bundle_verifies_offline_and_a_changed_byte_fails_naming_the_event() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let (a, b) = (codes[0].as_str(), codes[1].as_str());
    w.handover(&w.p, &w.c, &pickup_args(&[a, b]));
    w.handover(&w.c, &w.r, &["receive", a, b, "--manifest", MANIFEST]);
    let file = w.tmp.path().join("bundle.json");
    let path = file.to_str().unwrap();
    let v =
        w.r.json(&["export", "bundle", "--container", a, "-o", path]);
    let events: usize = v["value"].as_str().unwrap().parse().unwrap();
    assert!(events >= 5, "{v}");

    // Anyone: no --data-dir, no device.
    let out = yima(None, &[], &["verify", "--bundle", path, "--json"]);
    assert!(out.success(), "{out:#?}");
    let verdict = out.json();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(verdict["events"], events);
    let zh = yima(
        None,
        &[("LANG", "zh_CN.UTF-8")],
        &["verify", "--bundle", path],
    );
    assert!(zh.success() && has_chinese(&zh.stdout), "{zh:#?}");

    // One byte in the third event's body.
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .filter(|l| l.starts_with("{\"id\":"))
        .nth(2)
        .unwrap();
    let id = &line[7..71];
    let at = text.find(line).unwrap() + line.find("\"body\":").unwrap() + 40;
    let mut bytes = text.clone().into_bytes();
    bytes[at] ^= 0x02;
    std::fs::write(&file, &bytes).unwrap();
    let out = yima(None, &[], &["verify", "--bundle", path]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(
        out.stdout.contains(&format!("#3 {id} id_mismatch")),
        "{}",
        out.stdout
    );
    let out = yima(None, &[], &["verify", "--bundle", path, "--json"]);
    assert_eq!(out.code, Some(1));
    let verdict = out.json();
    assert_eq!(verdict["ok"], false);
    // The changed event, and the events after it whose chains now miss it.
    for f in verdict["failures"].as_array().unwrap() {
        let named = f["position"] == 2 && f["event"] == id && f["kind"] == "id_mismatch";
        let after = f["kind"] == "broken_link" && f["detail"].as_str().unwrap().contains(&id[..12]);
        assert!(named || after, "{verdict}");
    }

    // A file that is no bundle: an error naming where.
    std::fs::write(&file, b"{\"format\":").unwrap();
    let out = yima(None, &[], &["verify", "--bundle", path]);
    assert!(!out.success());
    assert!(out.stderr.contains("line 1"), "{out:#?}");

    // Nothing of an unknown manifest on this device.
    let out = w.r.run(&[
        "export",
        "bundle",
        "--manifest",
        "20263501009999",
        "-o",
        path,
    ]);
    assert!(!out.success(), "{out:#?}");
}

/// `yima verify --bundle FILE --registry-key HEX`: a device's own export is not attested and
/// says so, and fails with a registry key pinned; the same events attested by the registry's
/// key verify with that key pinned and fail with another (a forger's attestation).
#[test]
fn a_pinned_registry_key_requires_the_registrys_attestation() {
    let w = World::new();
    let codes = dispatched(&w, 1);
    let a = codes[0].as_str();
    let file = w.tmp.path().join("bundle.json");
    let path = file.to_str().unwrap();
    let v =
        w.p.json(&["export", "bundle", "--container", a, "-o", path]);
    assert_eq!(v["attested_by"], serde_json::Value::Null, "{v}");
    assert_eq!(v["key_records"], "exporters_word", "{v}");
    let out = w.p.run(&["export", "bundle", "--container", a, "-o", path]);
    assert!(
        out.success() && out.stdout.contains("Not attested"),
        "{out:#?}"
    );

    let registry = yima_core::DeviceKey::from_secret(&[21; 32]);
    let registry_hex = registry.public().to_string();
    // Unpinned, the device's export verifies as before: its keys are the exporter's word.
    let out = yima(None, &[], &["verify", "--bundle", path, "--json"]);
    assert!(out.success(), "{out:#?}");
    assert_eq!(out.json()["key_records"], "exporters_word");
    // Pinned: unattested, exit 1.
    let out = yima(
        None,
        &[],
        &[
            "verify",
            "--bundle",
            path,
            "--registry-key",
            &registry_hex,
            "--json",
        ],
    );
    assert_eq!(out.code, Some(1), "{out:#?}");
    let verdict = out.json();
    assert!(
        verdict["failures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "unattested"),
        "{verdict}"
    );

    // The same events as the registry would export them, attested by its key.
    let text = std::fs::read_to_string(&file).unwrap();
    let bundle: yima_core::EvidenceBundle = serde_json::from_str(&text).unwrap();
    let attested = file.with_file_name("attested.json");
    let attested_path = attested.to_str().unwrap();
    std::fs::write(&attested, bundle.clone().attest(&registry).to_text()).unwrap();
    let out = yima(
        None,
        &[],
        &[
            "verify",
            "--bundle",
            attested_path,
            "--registry-key",
            &registry_hex,
            "--json",
        ],
    );
    assert!(out.success(), "{out:#?}");
    let verdict = out.json();
    assert_eq!(verdict["attested_by"], registry_hex.as_str());
    assert_eq!(verdict["key_records"], "pinned_registry_key");
    let out = yima(
        None,
        &[("LANG", "zh_CN.UTF-8")],
        &[
            "verify",
            "--bundle",
            attested_path,
            "--registry-key",
            &registry_hex,
        ],
    );
    assert!(out.success() && out.stdout.contains("登记中心"), "{out:#?}");

    // Attested by a forger's own key: fails with the registry's pinned, exit 1.
    let forger = yima_core::DeviceKey::from_secret(&[22; 32]);
    std::fs::write(&attested, bundle.attest(&forger).to_text()).unwrap();
    let out = yima(
        None,
        &[],
        &[
            "verify",
            "--bundle",
            attested_path,
            "--registry-key",
            &registry_hex,
        ],
    );
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stdout.contains("bad_attestation"), "{}", out.stdout);

    // Not a key: refused as an argument.
    let out = yima(
        None,
        &[],
        &["verify", "--bundle", attested_path, "--registry-key", "abc"],
    );
    assert!(!out.success());
}
