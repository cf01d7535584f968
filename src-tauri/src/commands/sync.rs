//! Enrolling with a registry and syncing with it, with progress sent to the screen while it
//! runs. Without a network every other command works as before; sync says what waits.

use crate::dto::{AppStatus, EnrolForm, SyncProgressView, SyncSummary};
use crate::{AppError, AppState};
use tauri::ipc::Channel;
use tauri::State;
use yima_codes::Lang;
use yima_sync::{Phase, Registry, SyncError, SyncOptions};

pub(crate) fn sync_error(e: SyncError, lang: Lang) -> AppError {
    AppError {
        kind: format!(
            "sync_{}",
            serde_json::to_value(e.kind())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ),
        message: e.message(lang),
        containers: None,
    }
}

/// Enrols this device's key with the registry at `url` using a single-use code.
#[tauri::command]
pub async fn enrol(state: State<'_, AppState>, req: EnrolForm) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    let ca = req
        .ca_pem
        .filter(|pem| !pem.trim().is_empty())
        .map(String::into_bytes);
    let options = SyncOptions {
        extra_ca_pem: ca.clone(),
        ..SyncOptions::default()
    };
    let registry = Registry::new(req.url.trim(), options).map_err(|e| sync_error(e, lang))?;
    let mut device = state.open()?;
    registry
        .enrol(&mut device, req.code.trim())
        .await
        .map_err(|e| sync_error(e, lang))?;
    drop(device);
    yima_sync::keep_ca(&state.dir(), ca.as_deref()).map_err(|e| sync_error(e, lang))?;
    super::setup::status(&state)
}

/// Pushes what waits, learns keys, pulls what this organisation may see; `progress`
/// receives each step.
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    progress: Channel<SyncProgressView>,
) -> Result<SyncSummary, AppError> {
    let lang = state.lang();
    let mut device = state.open()?;
    let options = SyncOptions {
        extra_ca_pem: yima_sync::kept_ca(&state.dir()).map_err(|e| sync_error(e, lang))?,
        ..SyncOptions::default()
    };
    let registry = Registry::for_device(&mut device, options).map_err(|e| sync_error(e, lang))?;
    let mut report_progress = |p: yima_sync::Progress| {
        let _ = progress.send(SyncProgressView {
            phase: match p.phase {
                Phase::Push => "push",
                Phase::Keys => "keys",
                Phase::Pull => "pull",
            }
            .into(),
            done: p.done as u32,
            total: p.total.map(|t| t as u32),
        });
    };
    let report = registry
        .sync(&mut device, &mut report_progress)
        .await
        .map_err(|e| sync_error(e, lang))?;
    let counts = device
        .outbox_counts()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(SyncSummary {
        accepted: report.accepted as u32,
        forks: report.forks as u32,
        refused: report.refused as u32,
        pulled: report.pulled as u32,
        pending: counts.pending as u32,
        offers_sent: report.offers_sent as u32,
        offers_received: report.offers_received as u32,
        sightings_sent: report.sightings_sent as u32,
    })
}
