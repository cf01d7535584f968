//! Reading QR codes from an image file's bytes (sent as the raw request body). Camera frames
//! come through the same decoder (`camera.rs`).

use crate::dto::{EnrolmentSeen, ScannedCode};
use crate::{AppError, AppState};
use tauri::ipc::{InvokeBody, Request};
use tauri::State;
use yima_core::{ACK_PREFIX, IDENTITY_PREFIX, OFFER_PREFIX};
use yima_device::ENROLMENT_PREFIX;

/// The image, sent as the raw body; where the web view can only send JSON, as an array of
/// byte values.
pub(crate) fn body(request: &Request<'_>) -> Vec<u8> {
    match request.body() {
        InvokeBody::Raw(bytes) => bytes.clone(),
        InvokeBody::Json(value) => serde_json::from_value(value.clone()).unwrap_or_default(),
    }
}

/// What a QR text is, by its prefix alone: `offer`, `ack`, `identity`, `enrolment`,
/// `label` (a Yima label, its signature not yet checked) or `other`.
pub fn kind_of(text: &str) -> &'static str {
    if text.starts_with(OFFER_PREFIX) {
        "offer"
    } else if text.starts_with(ACK_PREFIX) {
        "ack"
    } else if text.starts_with(IDENTITY_PREFIX) {
        "identity"
    } else if text.starts_with(ENROLMENT_PREFIX) {
        "enrolment"
    } else if yima_core::LabelPayload::parse(text).is_ok() {
        "label"
    } else {
        "other"
    }
}

/// Every QR code in the image, each said to be a label (with its signature checked), a
/// handover offer or acknowledgement, an identity card, or something else.
#[tauri::command]
pub fn scan_image(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<Vec<ScannedCode>, AppError> {
    let lang = state.lang();
    let found = yima_scan::scan_bytes(&body(&request)).map_err(|e| AppError::scan(e, lang))?;
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
        code.kind = kind_of(&code.text).into();
        if code.kind == "label" {
            code.kind = "other".into();
            if let Some(dev) = device.as_mut() {
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
        }
        out.push(code);
    }
    Ok(out)
}

/// The registry's URL and enrolment code from a picture of the enrolment QR code its
/// operator gave, to fill the enrol form with (the image as the raw body, like `scan_image`).
#[tauri::command]
pub fn read_enrolment_qr(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<EnrolmentSeen, AppError> {
    let lang = state.lang();
    let texts: Vec<String> = yima_scan::scan_bytes(&body(&request))
        .map_err(|e| AppError::scan(e, lang))?
        .into_iter()
        .map(|f| f.text)
        .collect();
    let qr = yima_device::enrolment_from_texts(&texts).map_err(|e| AppError::device(e, lang))?;
    Ok(EnrolmentSeen {
        url: qr.url,
        code: qr.code,
    })
}
