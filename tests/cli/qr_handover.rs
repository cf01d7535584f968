//! The offline handover over QR codes between data directories: identity, offer and
//! acknowledgement as PNG files, the containers' labels photographed as PNG files, a taker
//! that has never seen the containers, and then that taker handing them on.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `yima label CODE… --format png -o DIR`: one PNG per code; returns their paths.
fn label_pngs(dev: &Device, dir: &Path, codes: &[&str]) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut args = vec!["label"];
    args.extend_from_slice(codes);
    args.extend(["--format", "png", "--size", "100", "-o", s(dir)]);
    dev.json(&args);
    codes.iter().map(|c| dir.join(format!("{c}.png"))).collect()
}

fn identity_qr(dev: &Device, at: &Path) -> PathBuf {
    let path = at.join(format!("{}-identity.png", dev.name));
    dev.ok(&["identity", "-o", s(&path)]);
    path
}

fn label_args(labels: &[PathBuf]) -> Vec<&str> {
    labels.iter().flat_map(|l| ["--label", s(l)]).collect()
}

fn last_event(dev: &Device, code: &str) -> Value {
    dev.history(code)["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

#[test]
fn two_devices_complete_a_pickup_over_qr_codes_and_the_taker_hands_on() {
    let w = World::new();
    let (p, c, r) = (&w.p, &w.c, &w.r);
    let dir = w.tmp.path();
    let codes = dispatched(&w, 3);
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let other = p.drum(); // labelled, but not part of this handover
    let labels = label_pngs(p, &dir.join("labels"), &refs);
    let stray = label_pngs(p, &dir.join("stray"), &[&other]);

    // The driver shows the carrier device's identity; the producer offers the pickup as a QR.
    let carrier_id = identity_qr(c, dir);
    let offer = dir.join("offer.png");
    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&refs));
    args.extend(["--to", s(&carrier_id), "-o", s(&offer)]);
    let v = p.json(&args);
    assert_eq!(v["containers"], 3);
    let version = v["qr_version"].as_i64().unwrap();
    assert!((1..=25).contains(&version), "{v}");

    // Before loading, each label is checked against the list: the stray drum is flagged.
    let v = c.json(&["handover", "check", s(&offer), s(&labels[0]), s(&labels[2])]);
    assert_eq!(v["ok"], true, "{v}");
    let out = c.run(&[
        "--json",
        "handover",
        "check",
        s(&offer),
        s(&labels[1]),
        s(&stray[0]),
    ]);
    assert_eq!(out.code, Some(1));
    let v = out.json();
    assert_eq!(v["labels"][1]["code"], other.as_str());
    assert_eq!(v["labels"][1]["on_list"], false);

    // The taker refuses an offer whose labels are not the list, and nothing changes.
    let ack = dir.join("ack.png");
    let before = c.snapshot();
    let mut missing = vec!["handover", "accept", s(&offer)];
    missing.extend(label_args(&labels[..2]));
    missing.extend(["-o", s(&ack)]);
    assert_eq!(c.error(&missing)["kind"], "label_mismatch");
    let mut extra = vec!["handover", "accept", s(&offer)];
    let with_stray: Vec<PathBuf> = labels.iter().chain(&stray).cloned().collect();
    extra.extend(label_args(&with_stray));
    extra.extend(["-o", s(&ack)]);
    let e = c.error(&extra);
    assert_eq!(e["kind"], "label_mismatch");
    assert!(e["message"].as_str().unwrap().contains(&other), "{e}");
    assert_eq!(c.snapshot(), before);
    assert!(!ack.exists());

    // All three labels: checked, countersigned, acknowledgement QR written.
    let mut accept = vec!["handover", "accept", s(&offer)];
    accept.extend(label_args(&labels));
    accept.extend(["-o", s(&ack)]);
    let v = c.json(&accept);
    let id = v["value"].as_str().unwrap().to_string();
    let mut without: Vec<String> = v["acceptance"]["without_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    without.sort();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(without, sorted, "the carrier never saw these containers");
    assert_eq!(
        v["acceptance"]["labels_not_checkable"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "the producer's key is not known to the carrier yet"
    );
    // Scanning the offer again shows the same acknowledgement and stores nothing twice.
    let events = c.events();
    assert_eq!(c.json(&accept)["value"], id.as_str());
    assert_eq!(c.events(), events);

    // The giver scans the acknowledgement: both hold the same dual-signed event.
    let v = p.json(&["handover", "confirm", s(&ack)]);
    assert_eq!(v["value"], id.as_str());
    for dev in [p, c] {
        let last = last_event(dev, refs[0]);
        assert_eq!(last["id"], id.as_str());
        assert_eq!(last["step"], "picked_up");
        assert_eq!(last["signers"].as_array().unwrap().len(), 2, "{last}");
        assert_eq!(dev.show(refs[0])["holder"], CARRIER.0);
        assert_eq!(dev.state(refs[0]), "in_transit");
    }
    p.assert_verifies();
    c.assert_verifies();
    let (_, v) = c.verify();
    assert_eq!(v["without_history"].as_array().unwrap().len(), 3, "{v}");

    // The carrier knows of each container only what its signed label says: the rest is
    // shown as unknown, never filled in. The producer knows everything.
    let seen = c.show(refs[0]);
    assert_eq!(seen["label"]["code"], refs[0]);
    assert_eq!(
        seen["label"]["quantity"],
        p.show(refs[0])["label"]["quantity"]
    );
    assert_eq!(seen["label"]["name"], "", "{seen}");
    assert_eq!(seen["label"]["hazards"], "", "{seen}");
    let unknown = seen["unknown_fields"].as_array().unwrap();
    for field in ["name", "form", "hazards", "main_components", "contact"] {
        assert!(unknown.iter().any(|f| f == field), "{field}: {seen}");
    }
    assert_eq!(
        p.show(refs[0])["unknown_fields"].as_array().unwrap().len(),
        0
    );
    let text = c.ok(&["--lang", "en", "container", "show", refs[0]]);
    let form = text.lines().find(|l| l.starts_with("form:")).unwrap();
    assert!(form.contains("unknown"), "{text}");
    assert!(text.contains(refs[0]), "{text}");
    // Confirming twice changes nothing.
    p.json(&["handover", "confirm", s(&ack)]);
    p.assert_verifies();

    // The carrier, holding only part of the chains, hands them to the receiver the same way.
    let receiver_id = identity_qr(r, dir);
    let offer2 = dir.join("offer2.png");
    let mut args = vec!["handover", "offer", "receive"];
    args.extend_from_slice(&refs);
    args.extend([
        "--manifest",
        MANIFEST,
        "--to",
        s(&receiver_id),
        "-o",
        s(&offer2),
    ]);
    c.json(&args);
    let ack2 = dir.join("ack2.png");
    let mut accept = vec!["handover", "accept", s(&offer2)];
    accept.extend(label_args(&labels));
    accept.extend(["-o", s(&ack2)]);
    let id2 = r.json(&accept)["value"].as_str().unwrap().to_string();
    assert_eq!(
        c.json(&["handover", "confirm", s(&ack2)])["value"],
        id2.as_str()
    );
    for dev in [c, r] {
        assert_eq!(last_event(dev, refs[1])["id"], id2.as_str());
        assert_eq!(dev.state(refs[1]), "received");
        assert_eq!(dev.show(refs[1])["holder"], RECEIVER.0);
    }
    // The receiver goes on with the container's life on what it knows.
    r.json(&["record", "accept", refs[0]]);
    assert_eq!(r.state(refs[0]), "accepted");
    w.verify_all();
}

#[test]
fn an_acknowledgement_for_another_offer_or_a_tampered_offer_is_refused() {
    let w = World::new();
    let (p, c) = (&w.p, &w.c);
    let dir = w.tmp.path();
    let codes = dispatched(&w, 1);
    let labels = label_pngs(p, &dir.join("labels"), &[&codes[0]]);
    let carrier_id = identity_qr(c, dir);

    // An offer for another device (the receiver) is refused by the carrier.
    let receiver_id = identity_qr(&w.r, dir);
    let offer = dir.join("offer.png");
    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&[&codes[0]]));
    args.extend(["--to", s(&receiver_id), "-o", s(&offer)]);
    // (the receiver cannot pick up: the offer is refused by the giver's own checks)
    assert_eq!(p.error(&args)["kind"], "forbidden");

    // A carrier identity that is not a QR code at all.
    let bogus = dir.join("bogus.png");
    std::fs::write(&bogus, b"not a png").unwrap();
    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&[&codes[0]]));
    args.extend(["--to", s(&bogus), "-o", s(&offer)]);
    p.error(&args);
    assert!(!offer.exists());

    // A label QR given where the acknowledgement belongs.
    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&[&codes[0]]));
    args.extend(["--to", s(&carrier_id), "-o", s(&offer)]);
    p.json(&args);
    p.error(&["handover", "confirm", s(&labels[0])]);
    // The offer itself given back as the acknowledgement.
    p.error(&["handover", "confirm", s(&offer)]);
    p.assert_verifies();
}

/// With the triggers dropped, an edited or deleted kept label is reported by `verify`.
#[test]
fn a_hand_edited_scanned_label_is_reported() {
    let w = World::new();
    let (p, c) = (&w.p, &w.c);
    let dir = w.tmp.path();
    let codes = dispatched(&w, 2);
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let labels = label_pngs(p, &dir.join("labels"), &refs);
    // The carrier knows the producer's key, so the labels' signatures are checked.
    c.json(&["trust", s(&p.card)]);
    let offer = dir.join("offer.png");
    let mut args = vec!["handover", "offer"];
    args.extend(pickup_args(&refs));
    let carrier_id = identity_qr(c, dir);
    args.extend(["--to", s(&carrier_id), "-o", s(&offer)]);
    p.json(&args);
    let mut accept = vec!["handover", "accept", s(&offer)];
    let ack = dir.join("ack.png");
    accept.extend(label_args(&labels));
    accept.extend(["-o", s(&ack)]);
    let v = c.json(&accept);
    let id = v["value"].as_str().unwrap().to_string();
    assert_eq!(
        v["acceptance"]["labels_not_checkable"],
        serde_json::json!([])
    );
    c.assert_verifies();

    let edit = |sql: &str| {
        let copy = dir.join(format!("carrier-copy-{}", sql.len()));
        std::fs::create_dir_all(&copy).unwrap();
        for entry in std::fs::read_dir(&c.dir).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
        let conn = rusqlite::Connection::open(copy.join("yima.db")).unwrap();
        conn.execute_batch(
            "DROP TRIGGER scanned_labels_no_update; DROP TRIGGER scanned_labels_no_delete;",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let out = yima(Some(&copy), &[], &["--json", "verify"]);
        assert_eq!(out.code, Some(1), "{out:#?}");
        out.json()["failures"].as_array().unwrap().clone()
    };
    let names = |failures: &[Value], kind: &str| {
        failures
            .iter()
            .any(|f| f["event"] == id.as_str() && f["kind"] == kind)
    };
    // The declared weight changed on a kept label: its signature no longer matches.
    let f = edit("UPDATE scanned_labels SET payload = replace(payload, ':25KG:', ':20KG:')");
    assert!(names(&f, "id_mismatch"), "{f:#?}");
    // A kept label deleted: the chain it started no longer has a start on this device.
    let f = edit(&format!(
        "DELETE FROM scanned_labels WHERE code = '{}'",
        refs[0]
    ));
    assert!(names(&f, "broken_link"), "{f:#?}");
}
