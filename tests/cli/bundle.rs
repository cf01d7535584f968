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
