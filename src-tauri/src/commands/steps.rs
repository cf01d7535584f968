//! Steps a device records alone: store, dispatch, weigh, accept, refuse, use or dispose.

use crate::{AppError, AppState};
use tauri::State;
use yima_device::StepForm;

/// Records the step `req` describes on its containers (all stored, or none); returns how
/// many events were recorded.
#[tauri::command]
pub fn record_step(state: State<'_, AppState>, req: StepForm) -> Result<u32, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let mut device = state.open()?;
    let requests = device.step_requests(&req).map_err(e)?;
    let events = device.record_all(&requests).map_err(e)?;
    Ok(events.len() as u32)
}
