//! The online handover's commands through Tauri's mock runtime: the giver's offer queued, the
//! taker's list of offers, each label checked against one, the countersignature. The offer
//! travels from one device to the other through the device API here, standing in for the
//! registry (yima-sync's tests carry it through a real one; the WebDriver test does both).

mod common;

use common::{app, call, init, label_text, register};
use serde_json::json;
use yima_device::{Device, SystemClock};

#[test]
fn an_offer_sent_online_is_listed_checked_and_countersigned_by_its_taker() {
    let base = tempfile::tempdir().unwrap();
    let (pd, cd) = (base.path().join("p"), base.path().join("c"));
    let (_p, p) = app(&pd);
    let (_c, c) = app(&cd);
    init(&p, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    init(&c, "carrier", "闽运危货运输有限公司", "91350100MA2XY80011");
    let code = |row: serde_json::Value| row["code"].as_str().unwrap().to_owned();
    let drum = code(register(&p, "900-249-08", "180", "liquid"));
    let stays = code(register(&p, "900-249-08", "25", "liquid"));
    let manifest = json!({
        "number": "20263501000123", "carrier_code": "91350100MA2XY80011",
        "carrier_name": "闽运危货运输有限公司", "receiver_code": "91350200MA3ABC8Q2E",
        "receiver_name": "厦门危废处置有限公司", "receiver_permit": "闽危废经许字 350200001 号",
        "mode": "disposal", "emergency_measures": "泄漏时用砂土覆盖"
    });
    for req in [
        json!({ "codes": [&drum], "step": "store", "facility_code": "WS-01" }),
        json!({ "codes": [&drum], "step": "weigh", "amount": "180", "unit": "kg",
                "weigher": "王磊", "weighed_with": "scale" }),
        json!({ "codes": [&drum], "step": "dispatch", "facility_code": "WS-01", "manifest": manifest }),
    ] {
        call(&p, "record_step", json!({ "req": req })).unwrap();
    }
    assert_eq!(call(&c, "received_offers", json!({})).unwrap(), json!([]));

    let taker = call(&c, "my_identity_qr", json!({})).unwrap()["text"].clone();
    let give = json!({ "req": { "codes": [&drum], "taker": taker, "handover": {
        "step": "pickup", "manifest": "20263501000123", "vehicle_plate": "闽A·D1234",
        "driver": "陈师傅", "permit": "闽交运管许可榕字 350100000001 号", "place": "", "reason": ""
    } } });
    let sent = call(&p, "give_handover_online", give).unwrap();
    assert_eq!(
        (&sent["sent"], &sent["taken"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(sent["codes"], json!([&drum]));
    assert_eq!(call(&p, "sent_offers", json!({})).unwrap(), json!([sent]));

    // The registry's part: the queued offer reaches the taker's device.
    let offers = Device::open(&pd, SystemClock)
        .unwrap()
        .offers_to_send()
        .unwrap();
    let kept = Device::open(&cd, SystemClock)
        .unwrap()
        .store_received_offers(&offers)
        .unwrap();
    assert_eq!(kept, 1);

    let waiting = call(&c, "received_offers", json!({})).unwrap();
    let offer = &waiting[0];
    assert_eq!(offer["id"], sent["id"]);
    assert_eq!(offer["kind"], "pickup");
    assert_eq!(offer["manifest"], "20263501000123");
    assert_eq!(offer["giver_org_name"], "福州示例化工有限公司");
    let labels = json!([label_text(&pd, &drum), label_text(&pd, &stays)]);
    let checks = call(
        &c,
        "check_received_offer_labels",
        json!({ "id": offer["id"], "labels": labels }),
    )
    .unwrap();
    assert_eq!(checks[0]["on_offer"], true, "{checks}");
    assert_eq!(checks[1]["on_offer"], false, "{checks}");
    // With a label not on the offer, nothing is countersigned; an id that is none is said so.
    let err = call(
        &c,
        "take_received_offer",
        json!({ "id": offer["id"], "labels": labels }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "label_mismatch", "{err}");
    let err = call(
        &c,
        "take_received_offer",
        json!({ "id": "not-an-id", "labels": [] }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    let id = call(
        &c,
        "take_received_offer",
        json!({ "id": offer["id"], "labels": [label_text(&pd, &drum)] }),
    )
    .unwrap();
    assert_eq!(id, sent["id"]);
    assert_eq!(call(&c, "received_offers", json!({})).unwrap(), json!([]));
}
