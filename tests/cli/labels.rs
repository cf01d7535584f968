//! Registering containers: codes, show, list, history, and label sequences per device.

use crate::common::*;
use serde_json::Value;

/// A fixed morning in the past, so every label below falls on the same day.
const MORNING: &str = "2026-03-02T09:00:00+08:00";

fn suffixes(codes: &[String]) -> Vec<&str> {
    codes.iter().map(|c| &c[34..]).collect()
}

#[test]
fn new_show_list_and_history() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let out = p.run(&[
        "--json",
        "container",
        "new",
        "--waste-code",
        "900-249-08",
        "--weight",
        "180",
        "--unit",
        "kg",
        "--form",
        "liquid",
        "--name",
        "废矿物油",
        "--container-type",
        "200L 钢桶",
        "--contact",
        "王磊",
        "--phone",
        "0591-87654321",
        "--main-components",
        "矿物油",
        "--at",
        MORNING,
    ]);
    assert!(out.success(), "{out:#?}");
    let v = out.json();
    assert_eq!(v.as_object().unwrap().len(), 1, "only the code: {v}");
    let code = v["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 37);
    assert_eq!(code, format!("{}90024908{}001", PRODUCER.0, "20260302"));

    let show = p.show(&code);
    assert_eq!(show["label"]["code"], code.as_str());
    assert_eq!(show["label"]["waste_code"], "900-249-08");
    assert_eq!(show["label"]["category"], "HW08");
    assert_eq!(show["label"]["name"], "废矿物油");
    assert_eq!(show["label"]["container_type"], "200L 钢桶");
    assert_eq!(show["state"], "generated");
    assert_eq!(show["holder"], PRODUCER.0);
    assert_eq!(show["events"], 1);
    assert!(!show["catalogue_edition"].as_str().unwrap().is_empty());
    let text = p.ok(&["container", "show", &code]);
    assert!(text.contains(&code) && text.contains("HW08"), "{text}");

    let drum = p.drum();
    let list = p.list();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let oil = list.iter().find(|c| c["code"] == code.as_str()).unwrap();
    assert_eq!(oil["quantity"], "180 kg");
    assert_eq!(oil["waste_code"], "900-249-08");
    assert_eq!(oil["name"], "废矿物油");
    assert!(list.iter().any(|c| c["code"] == drum.as_str()));
    assert!(list.iter().all(|c| c["state"] == "generated"));
    let text = p.ok(&["container", "list"]);
    assert!(text.contains(&code) && text.contains(&drum), "{text}");
    assert!(text.contains("2 containers"), "{text}");

    let h = p.history(&code);
    assert_eq!(h["code"], code.as_str());
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["step"], "generated");
    assert_eq!(events[0]["id"].as_str().unwrap().len(), 64);
    assert_eq!(h["verified"]["ok"], Value::Bool(true));
    let text = p.ok(&["history", &code]);
    assert!(
        text.contains("generated") && text.contains("HWCS20260302001"),
        "{text}"
    );
    p.assert_verifies();
}

#[test]
fn codes_of_one_producer_waste_and_day_count_up() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let at = ["--at", MORNING];
    let oil: Vec<String> = (0..3)
        .map(|_| p.new_container_with("900-249-08", "10", "kg", "liquid", &at))
        .collect();
    assert_eq!(suffixes(&oil), ["001", "002", "003"]);
    // Another waste code starts again at 001; so does another day.
    let rags = p.new_container_with("900-041-49", "5", "kg", "solid", &at);
    assert_eq!(&rags[34..], "001");
    let next_day = p.new_container_with(
        "900-249-08",
        "10",
        "kg",
        "liquid",
        &["--at", "2026-03-03T09:00:00+08:00"],
    );
    assert_eq!(&next_day[26..], "20260303001");
    // The code's segments: credit code, waste code digits, date, sequence.
    for c in &oil {
        assert_eq!(&c[..18], PRODUCER.0);
        assert_eq!(&c[18..26], "90024908");
        assert_eq!(&c[26..34], "20260302");
    }
    p.assert_verifies();
}

/// Issue 12, finding 3: a device that draws label codes from all of 1-999 (no block from
/// the registry, none chosen at set-up) is told plainly, in the user's language, to get one;
/// a device with a block is not.
#[test]
fn a_device_without_a_sequence_block_is_told_to_get_one() {
    let tmp = tempfile::tempdir().unwrap();
    let bare = Device::init(tmp.path(), "bare", "producer", PRODUCER, &[]);
    let args = new_args("900-041-49", "5", "kg", "solid");
    let mut zh = vec!["--lang", "zh"];
    zh.extend_from_slice(&args);
    let out = bare.run(&zh);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stderr.contains("序号段"), "{}", out.stderr);
    assert!(out.stderr.contains("yima enrol"), "{}", out.stderr);
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&args);
    let out = bare.run(&en);
    assert!(
        out.stderr.contains("no label sequence block"),
        "{}",
        out.stderr
    );
    let blocked = Device::init(
        tmp.path(),
        "blocked",
        "producer",
        PRODUCER,
        &["--seq-block", "1-499"],
    );
    let out = blocked.run(&zh);
    assert!(out.success(), "{}", out.stderr);
    assert!(!out.stderr.contains("序号段"), "{}", out.stderr);
    let out = blocked.run(&en);
    assert!(!out.stderr.contains("sequence block"), "{}", out.stderr);
}

#[test]
fn two_devices_of_one_producer_with_their_own_blocks_never_collide() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Device::init(
        tmp.path(),
        "a",
        "producer",
        PRODUCER,
        &["--seq-block", "1-499"],
    );
    let b = Device::init(
        tmp.path(),
        "b",
        "producer",
        PRODUCER,
        &["--seq-block", "500-999"],
    );
    let at = ["--at", MORNING];
    let mut from_a = Vec::new();
    let mut from_b = Vec::new();
    // Both label offline, interleaved, the same waste on the same day.
    for _ in 0..4 {
        from_a.push(a.new_container_with("900-041-49", "5", "kg", "solid", &at));
        from_b.push(b.new_container_with("900-041-49", "5", "kg", "solid", &at));
    }
    assert_eq!(suffixes(&from_a), ["001", "002", "003", "004"]);
    assert_eq!(suffixes(&from_b), ["500", "501", "502", "503"]);
    for c in &from_a {
        assert!(!from_b.contains(c), "{c} drawn by both devices");
    }
    a.assert_verifies();
    b.assert_verifies();
}

#[test]
fn a_used_up_block_refuses_the_next_label() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(
        tmp.path(),
        "p",
        "producer",
        PRODUCER,
        &["--seq-block", "1-2"],
    );
    let at = ["--at", MORNING];
    let first = p.new_container_with("900-041-49", "5", "kg", "solid", &at);
    let second = p.new_container_with("900-041-49", "5", "kg", "solid", &at);
    assert_eq!(suffixes(&[first, second]), ["001", "002"]);
    let before = p.snapshot();

    let mut third = new_args("900-041-49", "5", "kg", "solid");
    third.extend_from_slice(&at);
    let e = p.error(&third);
    assert_eq!(e["kind"], "sequence_exhausted", "{e}");
    let text = p.run(&third);
    assert!(!text.success());
    assert!(text.stdout.is_empty(), "no code printed: {}", text.stdout);
    assert!(
        text.stderr.contains("sequence") && text.stderr.contains("1-2"),
        "the message names the problem and the block: {}",
        text.stderr
    );
    assert_eq!(p.snapshot(), before);
    assert_eq!(p.list().as_array().unwrap().len(), 2);
    // Another waste code still has its own sequences.
    p.new_container_with("900-249-08", "5", "kg", "liquid", &at);
    p.assert_verifies();
}

#[test]
fn malformed_sequence_blocks_are_refused_at_init() {
    let tmp = tempfile::tempdir().unwrap();
    for block in ["0-10", "500-100", "1-1000", "abc"] {
        let dir = tmp.path().join(format!("b{}", block.len()));
        let out = yima(
            Some(&dir),
            &[],
            &[
                "--json",
                "init",
                "--role",
                "producer",
                "--org-name",
                PRODUCER.1,
                "--credit-code",
                PRODUCER.0,
                "--seq-block",
                block,
            ],
        );
        assert!(!out.success(), "{block}: {out:#?}");
        assert_eq!(out.json()["error"]["kind"], "bad_input", "{block}");
        assert!(!dir.join("yima.db").exists(), "{block}");
    }
}

#[test]
fn the_label_size_follows_the_container_volume_with_two_labels_above_450_litres() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let code = p.drum();
    let out = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let run = |extra: &[&str], file: &str| {
        let mut args = vec!["label", code.as_str(), "--format", "pdf", "-o"];
        let path = out(file);
        args.push(&path);
        args.extend_from_slice(extra);
        p.json(&args)
    };
    for (litres, mm, copies) in [("20", 100.0, 1), ("200", 150.0, 1), ("1000", 200.0, 2)] {
        let v = run(&["--container-volume", litres], &format!("{litres}.pdf"));
        assert_eq!(v["size_mm"], mm, "{litres}: {v}");
        assert_eq!(v["copies_per_container"], copies, "{litres}: {v}");
        assert_eq!(v["labels"], copies, "{litres}: {v}");
    }
    // An explicit size wins; without either, 100 mm.
    let v = run(
        &["--container-volume", "1000", "--size", "150"],
        "explicit.pdf",
    );
    assert_eq!(v["size_mm"], 150.0, "{v}");
    assert_eq!(run(&[], "default.pdf")["size_mm"], 100.0);
    let e = p.error(&["label", &code, "--container-volume=0", "-o", &out("x.pdf")]);
    assert!(e["message"].as_str().unwrap().contains("litres"), "{e}");
}

#[test]
fn history_shows_each_steps_operator_signed_in_the_event() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    p.json(&["operator", "张敏"]);
    p.json(&["record", "store", &a, "--facility", "WS-01"]);
    let h = p.history(&a);
    let events = h["events"].as_array().expect("events");
    let operators: Vec<&Value> = events.iter().map(|e| &e["operator"]).collect();
    // Registered before an operator was set: none; stored after: the one set.
    assert_eq!(operators, [&Value::Null, &Value::from("张敏")], "{h}");
    let zh = p.run_env(&[("LANG", "zh_CN.UTF-8")], &["history", &a]);
    let zh_lines: Vec<&str> = zh
        .stdout
        .lines()
        .filter(|l| l.contains("经办人="))
        .collect();
    assert_eq!(zh_lines.len(), 1, "{zh:#?}");
    assert!(zh_lines[0].contains("经办人=张敏"), "{zh:#?}");
    let en = p.ok(&["history", &a]);
    assert!(en.contains("operator=张敏"), "{en}");
    p.assert_verifies();
}

/// `yima label --qr`: the text form until the device is enrolled with a registry over https,
/// then the registry's address (`auto`), which `yima scan` reads back as a valid label; `url`
/// is refused, saying why, while there is no such registry.
#[test]
fn labels_are_the_registry_address_once_enrolled_over_https() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let code = p.drum();
    let png = tmp.path().join("label.png");
    let png_s = png.to_str().unwrap();
    let read = |p: &Device| -> Value {
        let found = p.json(&["scan", png_s]);
        found[0]["codes"][0].clone()
    };
    p.ok(&["label", &code, "--format", "png", "-o", png_s]);
    assert!(read(&p)["text"].as_str().unwrap().starts_with("YIMA1:"));
    let e = p.error(&[
        "label", &code, "--qr", "url", "--format", "png", "-o", png_s,
    ]);
    assert_eq!(e["kind"], "bad_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("registry"), "{e}");

    yima_device::Device::open(&p.dir, yima_device::SystemClock)
        .unwrap()
        .set_registry("https://yima.hbj.jiangsu.gov.cn")
        .unwrap();
    p.ok(&["label", &code, "--format", "png", "-o", png_s]);
    let seen = read(&p);
    let text = seen["text"].as_str().unwrap();
    assert!(
        text.starts_with("HTTPS://YIMA.HBJ.JIANGSU.GOV.CN/L/"),
        "{seen}"
    );
    assert_eq!(seen["code"], code.as_str(), "{seen}");
    assert_eq!(seen["verification"], "valid", "{seen}");
    p.ok(&[
        "label", &code, "--qr", "text", "--format", "png", "-o", png_s,
    ]);
    assert!(read(&p)["text"].as_str().unwrap().starts_with("YIMA1:"));
}
