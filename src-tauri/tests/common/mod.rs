//! What the mock-runtime tests share: an app on a data directory, a call as the web view
//! makes it, and the first steps of a device.
#![allow(dead_code)]

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};
use yima_app::AppState;

/// The mock runtime's window.
pub type Window = WebviewWindow<tauri::test::MockRuntime>;

pub fn app(
    dir: &std::path::Path,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = yima_app::setup(mock_builder(), AppState::new(dir.to_path_buf()))
        .build(mock_context(noop_assets()))
        .expect("the app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a webview");
    (app, webview)
}

pub fn call(
    webview: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("JSON"))
}

pub fn init(w: &WebviewWindow<tauri::test::MockRuntime>, role: &str, name: &str, code: &str) {
    call(
        w,
        "init_device",
        json!({ "req": { "role": role, "org_name": name, "credit_code": code } }),
    )
    .unwrap();
}

/// Registers a drum of `waste_code` holding `amount` kg of `form` waste; returns its row.
pub fn register(
    w: &WebviewWindow<tauri::test::MockRuntime>,
    waste_code: &str,
    amount: &str,
    form: &str,
) -> Value {
    call(
        w,
        "register_container",
        json!({ "req": {
            "waste_code": waste_code, "amount": amount, "unit": "kg", "form": form,
            "name": "", "hazards": "", "main_components": "矿物油", "harmful_components": "",
            "precautions": "", "contact": "王磊", "phone": "0591-87654321",
            "container_type": "200L 钢桶", "facility_code": "WS-01", "remarks": ""
        } }),
    )
    .unwrap()
}

/// The text of a container's label QR code, as a scan of the printed label reads it.
pub fn label_text(dir: &std::path::Path, code: &str) -> String {
    let mut device = yima_device::Device::open(dir, yima_device::SystemClock).unwrap();
    let (_, payload) = device.label_payload(&code.parse().unwrap()).unwrap();
    payload.to_text()
}
