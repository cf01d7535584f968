//! A carrier's route: where its fixes come from (a file of fixes, the phone's position, or
//! none), recording them for every transport in progress, and each transport of a container
//! with its track and verdict for the timeline's map.

use crate::dto::AppStatus;
use crate::state::Location;
use crate::{AppError, AppState};
use tauri::State;
use yima_device::{RouteRecorded, RouteView};

/// Sets where the route's fixes come from: `none`, `file` (with `path`) or `device`.
#[tauri::command]
pub fn set_location(state: State<'_, AppState>, location: Location) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    if let Location::File { path } = &location {
        if path.trim().is_empty() {
            return Err(AppError::bad_input(
                lang,
                "choose the file of location fixes (GPX or CSV)",
                "请选择定位点文件（GPX 或 CSV）",
            ));
        }
    }
    state.set_location(location)?;
    crate::commands::setup::status(&state)
}

/// Reads the location file, when that is the source, and records its fixes for every
/// transport in progress (none in progress, or no file source: nothing recorded).
#[tauri::command]
pub async fn record_route_from_source(
    state: State<'_, AppState>,
) -> Result<Vec<RouteRecorded>, AppError> {
    let lang = state.lang();
    let Location::File { path } = state.location() else {
        return Ok(Vec::new());
    };
    state
        .open()?
        .record_route_from_file(std::path::Path::new(&path))
        .map_err(|e| AppError::device(e, lang))
}

/// Records fixes the web view got from the device's own position (CSV text:
/// `time,lat,lon,accuracy_m`), for every transport in progress.
#[tauri::command]
pub fn record_route_fixes(
    state: State<'_, AppState>,
    csv: String,
) -> Result<Vec<RouteRecorded>, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let fixes = yima_device::parse_fixes(&csv).map_err(e)?;
    state.open()?.record_route(&fixes).map_err(e)
}

/// Each transport of container `code`, oldest first, with the fixes held and their verdict.
#[tauri::command]
pub fn routes(state: State<'_, AppState>, code: String) -> Result<Vec<RouteView>, AppError> {
    let lang = state.lang();
    let code = crate::commands::containers::codes(std::slice::from_ref(&code), lang)?.remove(0);
    state
        .open()?
        .routes(&code)
        .map_err(|e| AppError::device(e, lang))
}
