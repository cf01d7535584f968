//! Bad input gets a clear error, a non-zero exit code, and changes nothing.

use crate::common::*;

/// `yima container new` with these four fields, refused with `kind`.
fn refused_new(d: &Device, fields: [&str; 4], kind: &str) -> serde_json::Value {
    let [waste, weight, unit, form] = fields;
    refused(d, &new_args(waste, weight, unit, form), kind)
}

/// Runs `args` with `--json`, expects an error of `kind`, and that nothing changed on `d`.
fn refused(d: &Device, args: &[&str], kind: &str) -> serde_json::Value {
    let before = d.snapshot();
    let e = d.error(args);
    assert_eq!(e["kind"], kind, "{args:?}: {e}");
    assert_eq!(d.snapshot(), before, "{args:?} changed the store");
    // The same without --json: a message on stderr, nothing on stdout.
    let out = d.run(args);
    assert!(!out.success(), "{args:?}");
    assert_eq!(out.code, Some(1), "{args:?}");
    assert!(out.stdout.trim().is_empty(), "{args:?}: {}", out.stdout);
    assert!(
        out.stderr.starts_with("error: "),
        "{args:?}: {}",
        out.stderr
    );
    assert!(!has_chinese(&out.stderr[..out.stderr.find(':').unwrap()]));
    assert_eq!(d.snapshot(), before, "{args:?} changed the store");
    e
}

#[test]
fn bad_containers_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let first = p.drum();

    // 900-998-49 is well formed but not in the catalogue. (900-999-49 is a real entry of
    // the 2021 catalogue, so it cannot serve as the unknown code.)
    let e = refused_new(
        &p,
        ["900-998-49", "25", "kg", "solid"],
        "unknown_waste_code",
    );
    assert!(e["message"].as_str().unwrap().contains("900-998-49"), "{e}");
    for malformed in ["90-041-49", "900-041-4", "900-041-4X", "HW49", ""] {
        refused_new(&p, [malformed, "25", "kg", "solid"], "bad_input");
    }
    // A code whose category digits do not exist (HW42).
    refused_new(&p, ["900-041-42", "25", "kg", "solid"], "bad_input");

    let e = refused_new(&p, ["900-041-49", "0", "kg", "solid"], "bad_input");
    assert!(
        e["message"].as_str().unwrap().contains("greater than zero"),
        "{e}"
    );
    let negative = [
        "container",
        "new",
        "--waste-code",
        "900-041-49",
        "--weight=-5",
        "--unit",
        "kg",
        "--form",
        "solid",
        "--main-components",
        "矿物油",
        "--contact",
        "王磊",
        "--phone",
        "0591-87654321",
    ];
    let e = refused(&p, &negative, "bad_input");
    assert!(e["message"].as_str().unwrap().contains("-5"), "{e}");
    let e = refused_new(&p, ["900-041-49", "1000000", "kg", "solid"], "bad_input");
    assert!(e["message"].as_str().unwrap().contains("1000000"), "{e}");
    refused_new(&p, ["900-041-49", "abc", "kg", "solid"], "bad_input");
    refused_new(&p, ["900-041-49", "1.23456", "kg", "solid"], "bad_input");
    let e = refused_new(&p, ["900-041-49", "25", "lb", "solid"], "bad_input");
    assert!(e["message"].as_str().unwrap().contains("lb"), "{e}");
    let e = refused_new(&p, ["900-041-49", "25", "kg", "plasma"], "bad_input");
    assert!(e["message"].as_str().unwrap().contains("plasma"), "{e}");
    let mut bad_hazard = new_args("900-041-49", "25", "kg", "solid");
    bad_hazard.extend(["--hazards", "T,X"]);
    refused(&p, &bad_hazard, "bad_input");

    // `--weight -5` (not `--weight=-5`) is taken for an option by the argument parser: still
    // refused, with the usage error's exit code.
    let before = p.snapshot();
    let out = p.run(&new_args("900-041-49", "-5", "kg", "solid"));
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("-5"), "{}", out.stderr);
    assert_eq!(p.snapshot(), before);

    assert_eq!(p.list().as_array().unwrap().len(), 1);
    assert_eq!(p.list()[0]["code"], first.as_str());
    p.assert_verifies();
}

#[test]
fn a_wrong_check_character_is_refused_at_init() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let args = [
        "init",
        "--role",
        "producer",
        "--org-name",
        "x",
        "--credit-code",
        "91350100M000100Y4A",
    ];
    let out = yima(Some(&dir), &[], &args);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("check character should be 3, found A"),
        "{}",
        out.stderr
    );
    let mut json = vec!["--json"];
    json.extend(args);
    let out = yima(Some(&dir), &[], &json);
    assert_eq!(out.json()["error"]["kind"], "bad_input");
    assert!(!dir.join("yima.db").exists(), "nothing stored");
    // Nor can anything be done there.
    let out = yima(Some(&dir), &[], &["--json", "container", "list"]);
    assert!(!out.success());
    assert_eq!(out.json()["error"]["kind"], "not_initialised");

    // Unknown role, empty name.
    for (role, name) in [("driver", "x"), ("producer", " ")] {
        let out = yima(
            Some(&dir),
            &[],
            &[
                "--json",
                "init",
                "--role",
                role,
                "--org-name",
                name,
                "--credit-code",
                PRODUCER.0,
            ],
        );
        assert_eq!(out.json()["error"]["kind"], "bad_input", "{role} {name:?}");
        assert!(!dir.join("yima.db").exists());
    }
    // A second init of a data directory is refused and keeps the first identity.
    let p = Device::init(tmp.path(), "q", "producer", PRODUCER, &[]);
    let card = std::fs::read_to_string(&p.card).unwrap();
    let e = p.error(&[
        "init",
        "--role",
        "carrier",
        "--org-name",
        CARRIER.1,
        "--credit-code",
        CARRIER.0,
    ]);
    assert_eq!(e["kind"], "already_initialised");
    assert_eq!(p.ok(&["identity"]).trim(), card.trim());
}

#[test]
fn steps_not_allowed_in_the_state_are_forbidden() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let b = p.drum();
    p.json(&["record", "store", &a, "--facility", "WS-01"]);

    let e = refused(&p, &["record", "accept", &a], "forbidden");
    assert!(e["message"].as_str().unwrap().contains("accepted"), "{e}");
    refused(
        &p,
        &["record", "store", &a, "--facility", "WS-01"],
        "forbidden",
    );

    p.json(&[
        "record", "dispose", &b, "--mode", "disposal", "--method", "D10",
    ]);
    refused(
        &p,
        &[
            "record", "dispose", &b, "--mode", "disposal", "--method", "D10",
        ],
        "forbidden",
    );
    refused(&p, &["record", "void", &b, "--reason", "x"], "forbidden");
    // A step on several containers is refused whole when one of them may not take it.
    refused(
        &p,
        &["record", "void", &a, &b, "--reason", "x"],
        "forbidden",
    );
    assert_eq!(p.state(&a), "stored");

    // Missing or malformed details.
    refused(&p, &["record", "void", &a, "--reason", " "], "bad_input");
    refused(
        &p,
        &["record", "dispose", &a, "--method", "D10"],
        "bad_input",
    );
    refused(
        &p,
        &["record", "store", "not-a-code", "--facility", "WS-01"],
        "bad_input",
    );
    refused(
        &p,
        &[
            "record", "correct", &a, "--event", "zz", "--reason", "r", "--set", "a=b",
        ],
        "bad_input",
    );
    refused(
        &p,
        &["record", "split", &a, "--parts", "10", "--unit", "kg"],
        "bad_input",
    );
    // Wastes of different codes are not merged into one container (whose label would
    // carry only the first code).
    let oil = p.new_container("900-249-08", "20", "kg", "liquid");
    let rags = p.drum();
    let e = refused(&p, &["record", "merge", &oil, &rags], "bad_input");
    assert!(e["message"].as_str().unwrap().contains("waste code"), "{e}");
    p.assert_verifies();
}

#[test]
fn a_step_on_several_containers_is_stored_whole_or_not_at_all() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let (a, b) = (codes[0].as_str(), codes[1].as_str());
    w.handover(&w.p, &w.c, &pickup_args(&[a, b]));
    w.handover(&w.c, &w.r, &["receive", a, b, "--manifest", MANIFEST]);
    w.r.json(&["record", "accept", a]);
    // B could be accepted, A no longer: neither is.
    refused(&w.r, &["record", "accept", b, a], "forbidden");
    assert_eq!(w.r.state(b), "received");
    // Nor does an unknown code let the others through.
    let unknown = format!("{}90004149{}", PRODUCER.0, "20200101001");
    refused(
        &w.r,
        &["record", "accept", b, &unknown],
        "unknown_container",
    );
    assert_eq!(w.r.state(b), "received");
    refused(
        &w.r,
        &["record", "dispose", a, b, "--method", "D10"],
        "forbidden",
    );
    assert_eq!(w.r.state(a), "accepted");
    w.r.json(&["record", "accept", b]);
    w.verify_all();
}

#[test]
fn steps_not_allowed_for_the_role_are_forbidden() {
    let tmp = tempfile::tempdir().unwrap();
    let c = Device::init(tmp.path(), "c", "carrier", CARRIER, &[]);
    let g = Device::init(tmp.path(), "g", "regulator", REGULATOR, &[]);
    let r = Device::init(tmp.path(), "r", "receiver", RECEIVER, &[]);
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();

    let e = refused_new(&c, ["900-041-49", "25", "kg", "solid"], "forbidden");
    assert!(e["message"].as_str().unwrap().contains("carrier"), "{e}");
    refused_new(&r, ["900-041-49", "25", "kg", "solid"], "forbidden");
    refused_new(&g, ["900-041-49", "25", "kg", "solid"], "forbidden");
    assert_eq!(c.events(), 0);
    assert_eq!(g.events(), 0);
    // The regulator records nothing about containers either: it holds none.
    let e = g.error(&["record", "store", &a, "--facility", "WS-01"]);
    assert_ne!(e["kind"], "storage");
    assert_eq!(g.events(), 0);
    // Nor can a producer hand a container to a regulator.
    p.weigh_as_labelled(&[&a]);
    p.json(&dispatch_args(&[&a]));
    let offer = tmp.path().join("offer.json");
    let mut args = vec!["record"];
    args.extend(pickup_args(&[&a]));
    args.extend([
        "--to",
        g.card.to_str().unwrap(),
        "-o",
        offer.to_str().unwrap(),
    ]);
    refused(&p, &args, "forbidden");
    assert!(!offer.exists());
}

#[test]
fn times_in_the_future_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let tomorrow = days_from_now(1);
    let mut args = new_args("900-041-49", "25", "kg", "solid");
    args.extend(["--at", &tomorrow]);
    refused(&p, &args, "future_time");
    refused(
        &p,
        &[
            "record",
            "store",
            &a,
            "--facility",
            "WS-01",
            "--at",
            &tomorrow,
        ],
        "future_time",
    );
    refused(
        &p,
        &[
            "record",
            "store",
            &a,
            "--facility",
            "WS-01",
            "--at",
            "yesterday",
        ],
        "bad_input",
    );
    // A few minutes of clock skew are tolerated.
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(2)).to_rfc3339();
    p.json(&["record", "store", &a, "--facility", "WS-01", "--at", &soon]);
    p.assert_verifies();
}

#[test]
fn handover_offers_for_another_device_or_edited_are_refused() {
    let w = World::new();
    let codes = dispatched(&w, 2);
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let offer = w.offer(&w.p, &w.c, &pickup_args(&refs));
    let ack = w.file("ack");
    let accept = |d: &Device, offer: &std::path::Path| {
        refused(
            d,
            &[
                "handover",
                "accept",
                offer.to_str().unwrap(),
                "-o",
                ack.to_str().unwrap(),
            ],
            "bad_handover",
        )
    };

    // The receiver and the second carrier are not the taker.
    let e = accept(&w.r, &offer);
    assert!(
        e["message"].as_str().unwrap().contains("another device"),
        "{e}"
    );
    accept(&w.c2, &offer);
    // Nor is the giver itself.
    accept(&w.p, &offer);
    assert!(!ack.exists());

    // One character of the signed body changed: the driver's name.
    let text = std::fs::read_to_string(&offer).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let body = v["event"]["body"].as_str().unwrap();
    assert!(body.contains("陈师傅"));
    let edited_body = body.replacen("陈师傅", "林师傅", 1);
    let mut edited = v.clone();
    edited["event"]["body"] = serde_json::Value::String(edited_body);
    let edited_file = w.file("edited-offer");
    std::fs::write(&edited_file, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
    accept(&w.c, &edited_file);

    // A changed weight in the history it carries.
    let mut edited = v.clone();
    let h = edited["event"].clone();
    let hist = edited["history"].as_array_mut().unwrap();
    let first = hist[0]["body"]
        .as_str()
        .unwrap()
        .replacen("\"milli\":25000", "\"milli\":2500", 1);
    assert_ne!(first, v["history"][0]["body"].as_str().unwrap());
    hist[0]["body"] = serde_json::Value::String(first);
    assert_eq!(edited["event"], h);
    let edited_file = w.file("edited-history");
    std::fs::write(&edited_file, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
    accept(&w.c, &edited_file);

    // Not an offer at all.
    let junk = w.file("junk");
    std::fs::write(&junk, "{\"format\": \"something else\"}").unwrap();
    accept(&w.c, &junk);
    assert_eq!(w.c.events(), 0);

    // The real offer still goes through, once; a second scan is harmless.
    let ack = w.file("ack");
    w.c.json(&[
        "handover",
        "accept",
        offer.to_str().unwrap(),
        "-o",
        ack.to_str().unwrap(),
    ]);
    let n = w.c.events();
    let ack2 = w.file("ack");
    w.c.json(&[
        "handover",
        "accept",
        offer.to_str().unwrap(),
        "-o",
        ack2.to_str().unwrap(),
    ]);
    assert_eq!(w.c.events(), n);
    // An acknowledgement is only confirmed by the device that made the offer.
    refused(
        &w.r,
        &["handover", "confirm", ack.to_str().unwrap()],
        "bad_handover",
    );
    w.p.json(&["handover", "confirm", ack.to_str().unwrap()]);
    w.p.json(&["handover", "confirm", ack2.to_str().unwrap()]);
    w.verify_all();
}

#[test]
fn chinese_errors_and_stable_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let zh = [("LANG", "zh_CN.UTF-8")];
    let cases: [(Vec<&str>, &str); 4] = [
        (
            new_args("900-998-49", "25", "kg", "solid"),
            "unknown_waste_code",
        ),
        (new_args("900-041-49", "0", "kg", "solid"), "bad_input"),
        (new_args("900-041-49", "25", "lb", "solid"), "bad_input"),
        (new_args("900-041-49", "25", "kg", "plasma"), "bad_input"),
    ];
    for (args, kind) in &cases {
        let out = p.run_env(&zh, args);
        assert_eq!(out.code, Some(1));
        assert!(out.stderr.starts_with("错误"), "{}", out.stderr);
        let detail = &out.stderr[out.stderr.find('：').expect("a Chinese colon")..];
        assert!(has_chinese(detail), "{}", out.stderr);
        let mut json = vec!["--json"];
        json.extend(args.iter().copied());
        let out = p.run_env(&zh, &json);
        let v = out.json();
        assert_eq!(
            v["error"]["kind"], *kind,
            "the kind does not depend on the language"
        );
        assert!(has_chinese(v["error"]["message"].as_str().unwrap()), "{v}");
    }
    // LC_ALL wins over LANG, and --lang over both.
    let args = new_args("900-041-49", "0", "kg", "solid");
    let out = p.run_env(&[("LANG", "C"), ("LC_ALL", "zh_CN.UTF-8")], &args);
    assert!(has_chinese(&out.stderr), "{}", out.stderr);
    let mut en = vec!["--lang", "en"];
    en.extend(args.iter().copied());
    let out = p.run_env(&zh, &en);
    assert!(!has_chinese(&out.stderr), "{}", out.stderr);
    let mut zh_flag = vec!["--lang", "zh"];
    zh_flag.extend(args.iter().copied());
    let out = p.run(&zh_flag);
    assert!(has_chinese(&out.stderr), "{}", out.stderr);

    // Other kinds, in both languages.
    let a = p.drum();
    p.json(&["record", "store", &a, "--facility", "WS-01"]);
    for env in [&[("LANG", "C")][..], &zh[..]] {
        let kind = |args: &[&str]| {
            let mut json = vec!["--json"];
            json.extend_from_slice(args);
            p.run_env(env, &json).json()["error"]["kind"].clone()
        };
        assert_eq!(kind(&["record", "accept", &a]), "forbidden");
        assert_eq!(
            kind(&[
                "record",
                "store",
                &a,
                "--facility",
                "W",
                "--at",
                &days_from_now(1)
            ]),
            "future_time"
        );
        assert_eq!(
            kind(&[
                "history",
                &format!("{}90004149{}", PRODUCER.0, "20200101001")
            ]),
            "unknown_container"
        );
    }
    assert_eq!(p.list().as_array().unwrap().len(), 1);
}

#[test]
fn a_file_that_cannot_be_read_is_an_io_error_for_scripts() {
    let w = World::new();
    let missing = w.tmp.path().join("no-such-offer.json");
    let e = w.c.error(&[
        "handover",
        "accept",
        missing.to_str().unwrap(),
        "-o",
        w.tmp.path().join("ack.json").to_str().unwrap(),
    ]);
    assert_eq!(e["kind"], "io", "{e}");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("no-such-offer.json"));
}

#[test]
fn a_label_without_components_contact_or_phone_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let args = [
        "container",
        "new",
        "--waste-code",
        "900-041-49",
        "--weight",
        "25",
        "--unit",
        "kg",
        "--form",
        "solid",
        "--phone",
        "0591-87654321",
    ];
    let e = refused(&p, &args, "bad_input");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains("--main-components") && m.contains("--contact"),
        "{e}"
    );
    assert!(!m.contains("--phone"), "{e}");
}

#[test]
fn a_dispatch_the_sender_has_not_weighed_is_refused_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let (a, b) = (p.drum(), p.drum());
    p.json(&["record", "store", &a, &b, "--facility", "WS-01"]);
    p.weigh_as_labelled(&[&a]);
    // Only the one not weighed is named.
    let e = refused(&p, &dispatch_args(&[&a, &b]), "not_weighed");
    let en = e["message"].as_str().unwrap();
    assert!(
        en.contains("the sender must weigh these containers before dispatch") && en.contains(&b),
        "{en}"
    );
    assert!(!en.contains(&a), "{en}");
    let out = p.run_env(&[("LANG", "zh_CN.UTF-8")], &dispatch_args(&[&a, &b]));
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("以下容器出库前须由移出人称重") && out.stderr.contains(&b),
        "{}",
        out.stderr
    );
    assert_eq!(p.state(&b), "stored");
    // Weighed with `record weigh`, both go.
    p.json(&[
        "record",
        "weigh",
        &b,
        "--weight",
        "24.8",
        "--unit",
        "kg",
        "--weigher",
        "王磊",
    ]);
    let v = p.json(&dispatch_args(&[&a, &b]));
    assert_eq!(v["step"], "dispatched");
    assert_eq!(p.state(&b), "dispatched");
}
