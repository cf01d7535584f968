//! Camera frames and scan guns: each frame's grey pixels come as the raw request body and are
//! decoded by Yima's own pipeline (`yima-scan`) off the UI's thread; each new code read is
//! judged by the use case (`Device::judge_scans`) for the continuous scanner's sound and
//! colour.

use crate::commands::scan::kind_of;
use crate::dto::{FrameCode, ScanAgainstForm};
use crate::{AppError, AppState};
use tauri::ipc::{InvokeBody, Request};
use tauri::State;
use yima_device::{ScanAgainst, ScanJudgement};

/// The largest frame taken: 4096 × 4096 grey bytes.
const MAX_FRAME: u32 = 4096;

fn dimension(request: &Request<'_>, name: &str) -> Option<u32> {
    request
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .parse()
        .ok()
        .filter(|v| (1..=MAX_FRAME).contains(v))
}

/// Every QR code in one camera frame: the body holds `x-width × x-height` grey bytes, row by
/// row; `x-frame`, the frame's number since the camera opened, sets how hard to look
/// (`yima_scan::camera_effort`). A frame of the wrong size is a `bad_input` error; a frame
/// with no code an empty list.
/// Runs on the async runtime's threads, so decoding never holds up the web view.
#[tauri::command]
pub async fn scan_frame(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<Vec<FrameCode>, AppError> {
    let lang = state.lang();
    let (Some(width), Some(height)) = (
        dimension(&request, "x-width"),
        dimension(&request, "x-height"),
    ) else {
        return Err(AppError::bad_input(
            lang,
            "a camera frame needs its width and height (1–4096)",
            "相机画面须给出宽和高（1–4096）",
        ));
    };
    let InvokeBody::Raw(luma) = request.body() else {
        return Err(AppError::bad_input(
            lang,
            "a camera frame is sent as raw bytes",
            "相机画面须以原始字节发送",
        ));
    };
    if luma.len() != width as usize * height as usize {
        return Err(AppError::bad_input(
            lang,
            &format!(
                "a {width}×{height} frame has {} grey bytes, not {}",
                width * height,
                luma.len()
            ),
            &format!(
                "{width}×{height} 的画面应有 {} 个灰度字节，而不是 {}",
                width * height,
                luma.len()
            ),
        ));
    }
    // The frame's number since the camera opened (`x-frame`), for how hard to look at it.
    let frame = request
        .headers()
        .get("x-frame")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0);
    Ok(
        yima_scan::scan_luma_with(width, height, luma, yima_scan::camera_effort(frame))
            .found
            .into_iter()
            .map(|f| FrameCode {
                kind: kind_of(&f.text).into(),
                text: f.text,
            })
            .collect(),
    )
}

/// What each of `texts` is, by its prefix (for codes a scan gun typed or a phone's scanner
/// read, which come as text).
#[tauri::command]
pub fn code_kinds(texts: Vec<String>) -> Vec<FrameCode> {
    texts
        .into_iter()
        .map(|text| FrameCode {
            kind: kind_of(&text).into(),
            text,
        })
        .collect()
}

/// Each of `texts` judged for the continuous scanner: a new container, or an alarm (not on
/// the offer, already held, revoked, forged).
#[tauri::command]
pub fn judge_scans(
    state: State<'_, AppState>,
    texts: Vec<String>,
    against: ScanAgainstForm,
) -> Result<Vec<ScanJudgement>, AppError> {
    let lang = state.lang();
    let against = match against.kind.as_str() {
        "qr_offer" => ScanAgainst::QrOffer(against.value),
        "online_offer" => ScanAgainst::OnlineOffer(
            against
                .value
                .parse()
                .map_err(|_| AppError::bad_input(lang, "not an offer id", "不是交接邀请编号"))?,
        ),
        _ => ScanAgainst::Nothing,
    };
    state
        .open()?
        .judge_scans(&texts, &against)
        .map_err(|e| AppError::device(e, lang))
}
