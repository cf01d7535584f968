//! The commands through Tauri's mock runtime (no window, no display): what the web view
//! sends, what it gets back, and errors as a kind the UI acts on.

mod common;

use common::{app, call, init, label_text, register};
use serde_json::{json, Value};

#[test]
fn first_run_register_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());

    let status = call(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["initialised"], false);
    assert_eq!(status["lang"], "zh");

    let check = call(
        &w,
        "check_credit_code",
        json!({ "text": "91350100M000100Y4A" }),
    )
    .unwrap();
    assert_eq!(check["valid"], false);
    assert!(
        check["message"].as_str().unwrap().contains("校验码"),
        "{check}"
    );

    let status = call(
        &w,
        "init_device",
        json!({ "req": { "role": "producer", "org_name": "福州示例化工有限公司", "credit_code": "91350100M000100Y43" } }),
    )
    .unwrap();
    assert_eq!(status["initialised"], true);
    assert_eq!(status["identity"]["role"], "producer");
    // Offline, the device has no label sequence block of its own: the app says so.
    assert_eq!(status["label_block"]["source"], "none", "{status}");
    assert_eq!(status["label_block"]["block"], "1-999", "{status}");

    let hits = call(&w, "catalogue_search", json!({ "text": "废矿物油" })).unwrap();
    assert!(hits.as_array().unwrap().len() > 5);

    let row = call(
        &w,
        "register_container",
        json!({ "req": {
            "waste_code": "900-249-08", "amount": "180", "unit": "kg", "form": "liquid",
            "name": "", "hazards": "", "main_components": "矿物油", "harmful_components": "多环芳烃",
            "precautions": "远离火源", "contact": "王磊", "phone": "0591-87654321",
            "container_type": "200L 钢桶", "facility_code": "WS-01", "remarks": ""
        } }),
    )
    .unwrap();
    let code = row["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 37);
    assert_eq!(row["state_name"], "已产生");

    let label = call(&w, "label_svg", json!({ "code": code })).unwrap();
    assert!(label["svg"].as_str().unwrap().contains("<svg"));
    assert_eq!(
        (&label["size_mm"], &label["copies"]),
        (&json!(100), &json!(1))
    );
    // A 1000 L tank: the 200 mm label, twice; a volume that is no volume is refused.
    let tank = call(
        &w,
        "label_svg",
        json!({ "code": code, "containerVolume": 1000.0 }),
    )
    .unwrap();
    assert_eq!(
        (&tank["size_mm"], &tank["copies"]),
        (&json!(200), &json!(2))
    );
    assert!(
        tank["svg"].as_str().unwrap().contains("200mm"),
        "the SVG is 200 mm wide"
    );
    let e = call(
        &w,
        "label_svg",
        json!({ "code": code, "containerVolume": -3.0 }),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "render_bad_volume", "{e}");

    // The person doing the steps: a blank name is refused, a name is signed into the next.
    let e = call(&w, "set_operator", json!({ "name": "  " })).unwrap_err();
    assert_eq!(e["kind"], "bad_input", "{e}");
    let status = call(&w, "set_operator", json!({ "name": "王磊" })).unwrap();
    assert_eq!(status["operator"], "王磊");
    let stored = call(
        &w,
        "record_step",
        json!({ "req": { "codes": [code], "step": "store", "facility_code": "WS-01" } }),
    )
    .unwrap();
    assert_eq!(stored, 1);

    let tl = call(&w, "timeline", json!({ "code": code })).unwrap();
    assert_eq!(tl["ok"], true, "{tl}");
    let steps = tl["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert!(steps.iter().all(|s| s["verified"] == true));
    assert_eq!(steps[1]["step_name"], "入库");
    assert_eq!(steps[0]["operator"], serde_json::Value::Null);
    assert_eq!(steps[1]["operator"], "王磊");

    let verify = call(&w, "verify_all", json!({})).unwrap();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["events"], 2);
}

#[test]
fn errors_reach_the_ui_as_kinds_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let err = call(&w, "containers", json!({})).unwrap_err();
    assert_eq!(err["kind"], "not_initialised", "{err}");

    call(&w, "set_lang", json!({ "lang": "en" })).unwrap();
    call(
        &w,
        "init_device",
        json!({ "req": { "role": "carrier", "org_name": "闽运", "credit_code": "91350100M000100Y43" } }),
    )
    .unwrap();
    let err = call(
        &w,
        "timeline",
        json!({ "code": "91350100M000100Y439000414920240301001" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "unknown_container", "{err}");
    assert!(
        err["message"].as_str().unwrap().starts_with("no record"),
        "{err}"
    );

    let err = call(
        &w,
        "register_container",
        json!({ "req": { "waste_code": "900-249-08", "amount": "abc", "unit": "kg", "form": "liquid",
            "name": "", "hazards": "", "main_components": "x", "harmful_components": "", "precautions": "",
            "contact": "x", "phone": "1", "container_type": "", "facility_code": "", "remarks": "" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    // The language is kept for the next start.
    let (_again, w2) = app(dir.path());
    assert_eq!(call(&w2, "app_status", json!({})).unwrap()["lang"], "en");
}

#[test]
fn drafts_survive_a_restart_and_the_demo_is_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (_app, w) = app(dir.path());
        call(
            &w,
            "save_draft",
            json!({ "form": "register", "text": "{\"amount\":\"180\"}" }),
        )
        .unwrap();
        let err = call(&w, "save_draft", json!({ "form": "../x", "text": "{}" })).unwrap_err();
        assert_eq!(err["kind"], "bad_input");
    }
    let (_app, w) = app(dir.path());
    let kept = call(&w, "load_draft", json!({ "form": "register" })).unwrap();
    assert_eq!(kept, "{\"amount\":\"180\"}");

    let status = call(&w, "start_demo", json!({ "role": "receiver" })).unwrap();
    assert_eq!(status["demo"], "receiver");
    assert_eq!(status["initialised"], true);
    assert!(!call(&w, "containers", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .is_empty());
    // The user's own data directory has no identity: the demo lives beside it.
    let status = call(&w, "leave_demo", json!({})).unwrap();
    assert_eq!(status["initialised"], false);
    assert!(!dir.path().join(yima_device::STORE_FILE).exists());
}

#[test]
fn an_offline_handover_over_qr_codes_from_producer_to_carrier_to_receiver_then_refusal() {
    let base = tempfile::tempdir().unwrap();
    let (pd, cd, rd) = (
        base.path().join("p"),
        base.path().join("c"),
        base.path().join("r"),
    );
    let (_p, p) = app(&pd);
    let (_c, c) = app(&cd);
    let (_r, r) = app(&rd);
    init(&p, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    init(&c, "carrier", "闽运危货运输有限公司", "91350100MA2XY80011");
    init(&r, "receiver", "厦门危废处置有限公司", "91350200MA3ABC8Q2E");

    let codes: Vec<String> = ["180", "60"]
        .iter()
        .map(|amount| {
            register(&p, "900-249-08", amount, "liquid")["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    call(
        &p,
        "record_step",
        json!({ "req": { "codes": codes, "step": "store", "facility_code": "WS-01" } }),
    )
    .unwrap();
    // A dispatch with a blank receiver name is refused, naming the field; nothing stored.
    let manifest = json!({
        "number": "20263501000123", "carrier_code": "91350100MA2XY80011",
        "carrier_name": "闽运危货运输有限公司", "receiver_code": "91350200MA3ABC8Q2E",
        "receiver_name": "", "receiver_permit": "闽危废经许字 350200001 号", "mode": "disposal",
        "emergency_measures": "泄漏时用砂土覆盖"
    });
    let err = call(
        &p,
        "record_step",
        json!({ "req": { "codes": codes, "step": "dispatch", "facility_code": "WS-01", "manifest": manifest } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    let mut manifest = manifest;
    manifest["receiver_name"] = json!("厦门危废处置有限公司");
    // Not weighed by the sender: refused, naming both drums for the UI to offer their
    // weighing; nothing stored.
    let err = call(
        &p,
        "record_step",
        json!({ "req": { "codes": codes, "step": "dispatch", "facility_code": "WS-01", "manifest": manifest } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "not_weighed", "{err}");
    assert_eq!(err["containers"], json!(codes), "{err}");
    assert!(
        err["message"].as_str().unwrap().contains(&codes[1]),
        "{err}"
    );
    for (code, amount) in codes.iter().zip(["180", "60"]) {
        call(
            &p,
            "record_step",
            json!({ "req": { "codes": [code], "step": "weigh", "amount": amount, "unit": "kg",
                             "weigher": "王磊", "weighed_with": "scale" } }),
        )
        .unwrap();
    }
    let n = call(
        &p,
        "record_step",
        json!({ "req": { "codes": codes, "step": "dispatch", "facility_code": "WS-01", "manifest": manifest } }),
    )
    .unwrap();
    assert_eq!(n, 1);
    // The producer's manifests: the one just dispatched, both drums on it, nothing to come.
    let manifests = call(&p, "manifests", json!({})).unwrap();
    let m = &manifests[0];
    assert_eq!(manifests.as_array().unwrap().len(), 1, "{manifests}");
    assert_eq!(m["number"], "20263501000123");
    assert_eq!(m["part"], "sender");
    assert_eq!(m["receiver"], "厦门危废处置有限公司");
    assert_eq!(m["waiting"], 0);
    assert_eq!(m["declared_kg"], "240 kg");
    assert!(m["dispatched_at"].as_str().unwrap().ends_with('Z'), "{m}");
    let lines = m["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        lines.iter().all(|l| l["state"] == "dispatched"
            && l["state_name"] == "已出库"
            && !l["measured"].is_null()),
        "{m}"
    );

    // Pickup: the carrier shows its identity, the producer offers, the carrier checks each
    // label (a stranger's label is flagged), countersigns, and the producer reads the ack.
    let carrier_id = call(&c, "my_identity_qr", json!({})).unwrap();
    assert!(std::path::Path::new(carrier_id["path"].as_str().unwrap()).exists());
    let pickup = json!({ "step": "pickup", "manifest": "20263501000123", "vehicle_plate": "闽A·D1234",
        "driver": "陈师傅", "permit": "闽交运管许可榕字 350100000001 号", "place": "", "reason": "" });
    let offer = call(
        &p,
        "give_handover",
        json!({ "req": { "codes": codes, "taker": carrier_id["text"], "handover": pickup } }),
    )
    .unwrap();
    let offer_text = offer["text"].as_str().unwrap().to_owned();
    assert!(!offer["png_base64"].as_str().unwrap().is_empty());
    let labels: Vec<String> = codes.iter().map(|code| label_text(&pd, code)).collect();
    let checks = call(
        &c,
        "check_offer_labels",
        json!({ "offer": offer_text, "labels": labels }),
    )
    .unwrap();
    assert!(checks
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["on_offer"] == true && c["already_held"] == false));
    let stranger = register(&p, "900-041-49", "25", "solid");
    let stranger_label = label_text(&pd, stranger["code"].as_str().unwrap());
    let checks = call(
        &c,
        "check_offer_labels",
        json!({ "offer": offer_text, "labels": [stranger_label] }),
    )
    .unwrap();
    assert_eq!(checks[0]["on_offer"], false);
    let taken = call(
        &c,
        "take_handover",
        json!({ "offer": offer_text, "labels": labels }),
    )
    .unwrap();
    call(
        &p,
        "confirm_handover",
        json!({ "ack": taken["ack"]["text"] }),
    )
    .unwrap();
    // Read again, the labels are flagged as already picked up.
    let checks = call(
        &c,
        "check_offer_labels",
        json!({ "offer": offer_text, "labels": labels }),
    )
    .unwrap();
    assert!(checks
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["already_held"] == true));

    // Delivery to the receiver, the same way round.
    let receiver_id = call(&r, "my_identity_qr", json!({})).unwrap();
    let receive = json!({ "step": "receive", "manifest": "20263501000123", "vehicle_plate": "",
        "driver": "", "permit": "", "place": "", "reason": "" });
    let offer = call(
        &c,
        "give_handover",
        json!({ "req": { "codes": codes, "taker": receiver_id["text"], "handover": receive } }),
    )
    .unwrap();
    let taken = call(
        &r,
        "take_handover",
        json!({ "offer": offer["text"], "labels": labels }),
    )
    .unwrap();
    call(
        &c,
        "confirm_handover",
        json!({ "ack": taken["ack"]["text"] }),
    )
    .unwrap();

    // The receiver weighs and accepts one, refuses the other with a reason.
    let step = |req: Value| call(&r, "record_step", json!({ "req": req }));
    step(json!({ "codes": [codes[0]], "step": "weigh", "amount": "178.5", "unit": "kg", "weigher": "张工" })).unwrap();
    step(json!({ "codes": [codes[0]], "step": "accept" })).unwrap();
    let err = step(json!({ "codes": [codes[1]], "step": "refuse", "reason": " " })).unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    step(json!({ "codes": [codes[1]], "step": "refuse", "reason": "包装破损渗漏" })).unwrap();
    step(
        json!({ "codes": [codes[0]], "step": "dispose", "method": "D10 焚烧", "mode": "disposal" }),
    )
    .unwrap();

    let rows = call(&r, "containers", json!({})).unwrap();
    let state_of = |code: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|row| row["code"] == code)
            .map(|row| row["state"].as_str().unwrap().to_owned())
    };
    assert_eq!(state_of(&codes[0]).as_deref(), Some("disposed"));
    assert_eq!(state_of(&codes[1]).as_deref(), Some("refused"));
    let tl = call(&r, "timeline", json!({ "code": codes[1] })).unwrap();
    assert_eq!(tl["ok"], true, "{tl}");

    // Labels saved to print: one PDF sheet for both, one PNG each.
    let pdf = call(
        &p,
        "save_labels",
        json!({ "codes": codes, "format": "pdf" }),
    )
    .unwrap();
    assert!(std::fs::read(pdf[0].as_str().unwrap())
        .unwrap()
        .starts_with(b"%PDF"));
    let pngs = call(
        &p,
        "save_labels",
        json!({ "codes": codes, "format": "png" }),
    )
    .unwrap();
    assert_eq!(pngs.as_array().unwrap().len(), 2);
}

#[test]
fn enrolment_and_sync_errors_are_kinds_the_ui_acts_on() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let err = call(
        &w,
        "enrol",
        json!({ "req": { "url": "http://registry.example.org", "code": "X" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sync_bad_url", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("登记中心"),
        "{err}"
    );
    // A CA file that is no certificate is refused before any request, and nothing is kept.
    let err = call(
        &w,
        "enrol",
        json!({ "req": { "url": "https://localhost:9", "code": "X", "ca_pem": "not a certificate" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sync_certificate", "{err}");
    assert!(!dir.path().join(yima_sync::REGISTRY_CA_FILE).exists());
}

#[test]
fn the_timeline_flags_a_step_that_reached_the_registry_over_a_week_late() {
    let base = tempfile::tempdir().unwrap();
    let (pd, gd) = (base.path().join("p"), base.path().join("g"));
    let (_p, p) = app(&pd);
    let (_g, g) = app(&gd);
    init(&p, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    init(&g, "regulator", "福建省生态环境厅", "11350000MB0000001W");
    let code = register(&p, "900-041-49", "25", "solid")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = call(&p, "timeline", json!({ "code": code })).unwrap();
    assert_eq!(own["steps"][0]["arrived_late"], false, "{own}");

    // The regulator's device learns the registration as from the registry's feed, which
    // received it eight days after its date (held back by its device).
    let mut producer = yima_device::Device::open(&pd, yima_device::SystemClock).unwrap();
    let entries: Vec<_> = producer
        .outbox_batch(0, 100)
        .unwrap()
        .into_iter()
        .map(|(seq, event)| {
            let at = event.parse().unwrap().body.at.0;
            yima_protocol::FeedEntry {
                seq,
                event,
                arrived_at: yima_core::Timestamp(at + 8 * 24 * 3_600_000),
                fork_of: None,
                fixes: None,
            }
        })
        .collect();
    let mut regulator = yima_device::Device::open(&gd, yima_device::SystemClock).unwrap();
    regulator
        .store_pulled(&entries, entries.len() as i64)
        .unwrap();
    let seen = call(&g, "timeline", json!({ "code": code })).unwrap();
    assert_eq!(seen["steps"][0]["arrived_late"], true, "{seen}");
    assert_eq!(seen["steps"][0]["entered_late"], false, "{seen}");
}

/// Enrolled with a registry over https, the app prints labels whose QR code is the registry's
/// address (label payload version 2), and its scan reads them back and verifies them offline.
#[test]
fn labels_print_as_the_registry_address_and_scan_back_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let code = register(&w, "900-041-49", "25", "solid")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let scanned = |path: &str| {
        let png = std::fs::read(path).unwrap();
        call(&w, "scan_image", json!(png)).unwrap()
    };
    // Not enrolled: the text form.
    let pngs = call(
        &w,
        "save_labels",
        json!({ "codes": [code], "format": "png" }),
    )
    .unwrap();
    let found = scanned(pngs[0].as_str().unwrap());
    assert!(
        found[0]["text"].as_str().unwrap().starts_with("YIMA1:"),
        "{found}"
    );
    yima_device::Device::open(dir.path(), yima_device::SystemClock)
        .unwrap()
        .set_registry("https://yima.example.cn")
        .unwrap();
    let pngs = call(
        &w,
        "save_labels",
        json!({ "codes": [code], "format": "png" }),
    )
    .unwrap();
    let found = scanned(pngs[0].as_str().unwrap());
    let text = found[0]["text"].as_str().unwrap();
    assert!(text.starts_with("HTTPS://YIMA.EXAMPLE.CN/L/"), "{found}");
    assert_eq!(found[0]["kind"], "label", "{found}");
    assert_eq!(found[0]["code"], code.as_str(), "{found}");
    assert_eq!(found[0]["check"], "valid", "{found}");
}

#[test]
fn a_picture_of_the_enrolment_qr_code_fills_the_enrol_form() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let text = yima_protocol::EnrolmentQr::new("ABCDE-FGHJK-LMNPQ-RSTUV", "http://127.0.0.1:8443")
        .unwrap()
        .to_text();
    let png = |text: &str| json!(yima_label::screen_qr_png(text).unwrap().png);
    // On the first-run screen, before this device has an identity.
    let seen = call(&w, "read_enrolment_qr", png(&text)).unwrap();
    assert_eq!(
        seen,
        json!({ "url": "http://127.0.0.1:8443", "code": "ABCDE-FGHJK-LMNPQ-RSTUV" })
    );
    let found = call(&w, "scan_image", png(&text)).unwrap();
    assert_eq!(found[0]["kind"], "enrolment", "{found}");
    // Any other QR code is said to be none, in the chosen language.
    let err = call(&w, "read_enrolment_qr", png("https://example.com")).unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("注册二维码"),
        "{err}"
    );
}
