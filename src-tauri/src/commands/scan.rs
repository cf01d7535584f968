//! Reading QR codes from an image file's bytes (sent as the raw request body). Camera frames
//! will come through the same decoder.

use crate::dto::ScannedCode;
use crate::{AppError, AppState};
use tauri::ipc::{InvokeBody, Request};
use tauri::State;
use yima_core::{ACK_PREFIX, IDENTITY_PREFIX, OFFER_PREFIX};

/// Every QR code in the image, each said to be a label (with its signature checked), a
/// handover offer or acknowledgement, an identity card, or something else.
#[tauri::command]
pub fn scan_image(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<Vec<ScannedCode>, AppError> {
    let lang = state.lang();
    // The image comes as the raw body; where the web view can only send JSON, as an array
    // of byte values.
    let from_json: Vec<u8>;
    let bytes: &[u8] = match request.body() {
        InvokeBody::Raw(bytes) => bytes,
        InvokeBody::Json(value) => {
            from_json = serde_json::from_value(value.clone()).unwrap_or_default();
            &from_json
        }
    };
    let found = yima_scan::scan_bytes(bytes).map_err(|e| AppError::scan(e, lang))?;
    // Labels are checked against this device's keys when it has an identity.
    let mut device = state.open().ok();
    let mut out = Vec::new();
    for f in found {
        let mut code = ScannedCode {
            kind: "other".into(),
            code: None,
            quantity: None,
            check: None,
            text: f.text,
        };
        if code.text.starts_with(OFFER_PREFIX) {
            code.kind = "offer".into();
        } else if code.text.starts_with(ACK_PREFIX) {
            code.kind = "ack".into();
        } else if code.text.starts_with(IDENTITY_PREFIX) {
            code.kind = "identity".into();
        } else if let Some(dev) = device.as_mut() {
            if let Some(label) = dev
                .check_label(&code.text)
                .map_err(|e| AppError::device(e, lang))?
            {
                code.kind = "label".into();
                code.code = Some(label.code.to_string());
                code.quantity = Some(label.quantity);
                code.check = serde_json::to_value(label.check)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned));
            }
        }
        out.push(code);
    }
    Ok(out)
}
