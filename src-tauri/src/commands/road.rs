//! Road control: a carrier shows a time-limited pass of its load under a manifest as a QR
//! code; an inspector reads one offline (with this device's keys when it has an identity)
//! and, when online, asks the registry what it records of its containers (no account).

use crate::commands::handover::shown;
use crate::commands::sync::sync_error;
use crate::dto::{QrShown, RoadCheckLineView, RoadCheckView};
use crate::{AppError, AppState};
use tauri::State;
use yima_device::RoadPassView;
use yima_sync::RoadStanding;
use yima_sync::{Registry, SyncOptions};

/// As the carrier: the road pass of what this device's organisation carries in transit
/// under manifest `number`, valid for `minutes` (30 by default).
#[tauri::command]
pub fn road_pass(
    state: State<'_, AppState>,
    number: String,
    minutes: Option<i64>,
) -> Result<QrShown, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let number = yima_device::parse_manifest(&number).map_err(e)?;
    let mut device = state.open()?;
    let pass = device.road_pass(&number, minutes).map_err(e)?;
    shown(&state, &device, "road-pass", pass.text, lang)
}

/// As an inspector: a road pass's text read and checked offline.
#[tauri::command]
pub fn read_road_pass(state: State<'_, AppState>, text: String) -> Result<RoadPassView, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    match state.open() {
        Ok(mut device) => device.read_road_pass(&text).map_err(e),
        Err(_) => {
            let now = yima_device::Clock::now(&yima_device::SystemClock);
            yima_device::read_road_pass(&text, now).map_err(e)
        }
    }
}

/// As an inspector online: what this device's registry records of the pass's containers.
#[tauri::command]
pub async fn check_road_pass(
    state: State<'_, AppState>,
    text: String,
) -> Result<RoadCheckView, AppError> {
    let lang = state.lang();
    let url = state
        .open()?
        .registry()
        .map_err(|e| AppError::device(e, lang))?
        .map(|(url, _)| url)
        .ok_or_else(|| AppError {
            kind: "not_enrolled".into(),
            message: match lang {
                yima_codes::Lang::Zh => "本设备未连接登记系统：只能离线核对".into(),
                yima_codes::Lang::En => {
                    "this device has no registry: the pass can only be checked offline".into()
                }
            },
            containers: None,
        })?;
    let options = SyncOptions {
        extra_ca_pem: yima_sync::kept_ca(&state.dir()).map_err(|e| sync_error(e, lang))?,
        ..SyncOptions::default()
    };
    let registry = Registry::new(&url, options).map_err(|e| sync_error(e, lang))?;
    let check = registry
        .check_road_pass(&text)
        .await
        .map_err(|e| sync_error(e, lang))?;
    Ok(RoadCheckView {
        confirmed: check.confirmed() as u32,
        total: check.lines.len() as u32,
        carrier: check.carrier.name.clone(),
        sender: check.sender.name.clone(),
        receiver: check.receiver.name.clone(),
        lines: check
            .lines
            .iter()
            .map(|l| match &l.registry {
                RoadStanding::InTransit { quantity, .. } => RoadCheckLineView {
                    code: l.code.to_string(),
                    confirmed: true,
                    quantity: Some(quantity.to_string()),
                },
                RoadStanding::NotConfirmed => RoadCheckLineView {
                    code: l.code.to_string(),
                    confirmed: false,
                    quantity: None,
                },
            })
            .collect(),
    })
}
