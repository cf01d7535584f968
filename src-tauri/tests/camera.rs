//! The camera's commands on Tauri's mock runtime: a frame's grey bytes sent raw with its size
//! in headers, decoded by yima-scan; codes typed by a scan gun named by kind; labels judged
//! for the continuous scanner.

mod common;

use common::{app, call, init, label_text, register, Window};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, INVOKE_KEY};
use tauri::webview::InvokeRequest;

/// A 1280×720 grey frame with the QR code of `text` drawn in its middle.
fn frame_with(text: &str) -> (u32, u32, Vec<u8>) {
    let png = yima_label::screen_qr_png(text).unwrap().png;
    let qr = yima_scan::load::decode(&png).unwrap();
    let (w, h) = (1280u32, 720u32);
    let mut frame = vec![255u8; (w * h) as usize];
    let (x0, y0) = ((w - qr.width) / 2, (h - qr.height.min(h)) / 2);
    for y in 0..qr.height.min(h) {
        for x in 0..qr.width.min(w) {
            frame[((y0 + y) * w + x0 + x) as usize] = qr.data[(y * qr.width + x) as usize];
        }
    }
    (w, h, frame)
}

fn scan_frame(w: &Window, width: &str, height: &str, luma: Vec<u8>) -> Result<Value, Value> {
    scan_frame_at(w, width, height, luma, None)
}

/// `scan_frame` with the frame's number since the camera opened (`x-frame`).
fn scan_frame_at(
    w: &Window,
    width: &str,
    height: &str,
    luma: Vec<u8>,
    frame: Option<&str>,
) -> Result<Value, Value> {
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-width", width.parse().unwrap());
    headers.insert("x-height", height.parse().unwrap());
    if let Some(frame) = frame {
        headers.insert("x-frame", frame.parse().unwrap());
    }
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: "scan_frame".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Raw(luma),
            headers,
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("JSON"))
}

#[test]
fn a_camera_frame_is_decoded_by_yima_scan_and_each_label_judged() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    init(&w, "producer", "福州示例化工有限公司", "91350100M000100Y43");
    let row = register(&w, "900-249-08", "180", "liquid");
    let code = row["code"].as_str().unwrap();
    let text = label_text(dir.path(), code);

    let (width, height, luma) = frame_with(&text);
    let found = scan_frame(&w, &width.to_string(), &height.to_string(), luma.clone()).unwrap();
    assert_eq!(found, json!([{ "text": text, "kind": "label" }]));
    // Read at every frame's effort (the costly stage runs on every fourth frame only).
    for frame in ["1", "2", "3", "4"] {
        let found = scan_frame_at(&w, "1280", "720", luma.clone(), Some(frame)).unwrap();
        assert_eq!(
            found,
            json!([{ "text": text, "kind": "label" }]),
            "frame {frame}"
        );
    }
    // A frame with nothing in it: no code, no error.
    let empty = scan_frame(&w, "64", "48", vec![200; 64 * 48]).unwrap();
    assert_eq!(empty, json!([]));
    // A frame whose size does not match its bytes, or without a size, is refused.
    let err = scan_frame(&w, "64", "48", vec![200; 100]).unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");
    let err = scan_frame(&w, "0", "48", vec![]).unwrap_err();
    assert_eq!(err["kind"], "bad_input", "{err}");

    // Typed by a scan gun: named by kind.
    let kinds = call(&w, "code_kinds", json!({ "texts": [text, "HELLO"] })).unwrap();
    assert_eq!(kinds[0]["kind"], "label");
    assert_eq!(kinds[1]["kind"], "other");

    // Judged: this device's own label is signed by a key it knows; a text not a label is
    // said to be none; an altered label is forged (a loud alarm).
    let forged = text.replacen("180KG", "190KG", 1);
    assert_ne!(forged, text);
    let judged = call(
        &w,
        "judge_scans",
        json!({ "texts": [text, "HELLO", forged], "against": { "kind": "nothing", "value": "" } }),
    )
    .unwrap();
    assert_eq!(judged[0]["verdict"], "new", "{judged}");
    assert_eq!(judged[0]["alarm"], false);
    assert_eq!(judged[0]["code"], code);
    assert_eq!(judged[1]["verdict"], "not_a_label");
    assert_eq!(judged[2]["verdict"], "forged");
    assert_eq!(judged[2]["alarm"], true);
    // Against an offer that is not one: refused, in the user's language.
    let err = call(
        &w,
        "judge_scans",
        json!({ "texts": [text], "against": { "kind": "qr_offer", "value": "NOT AN OFFER" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_handover", "{err}");
}
