//! Manifests: a driver's pickups and a receiver's arrivals, container by container.

use crate::dto::{ManifestLineRow, ManifestRow};
use crate::{AppError, AppState};
use tauri::State;
use yima_codes::Lang;
use yima_core::{format_milli, Quantity};
use yima_device::{ManifestPart, ManifestView};

fn part(p: ManifestPart) -> &'static str {
    match p {
        ManifestPart::Sender => "sender",
        ManifestPart::Carrier => "carrier",
        ManifestPart::Receiver => "receiver",
        ManifestPart::Other => "other",
    }
}

fn kg(milli: i64) -> String {
    format!("{} kg", format_milli(milli))
}

fn row(m: ManifestView, lang: Lang) -> ManifestRow {
    ManifestRow {
        number: m.number,
        part: part(m.part).into(),
        sender: m.sender.name,
        carrier: m.carrier.name,
        receiver: m.receiver.name,
        dispatched_at: m.dispatched_at.map(|t| t.to_string()),
        waiting: u32::try_from(m.waiting).unwrap_or(u32::MAX),
        declared_kg: kg(m.declared_kg_milli),
        measured_kg: kg(m.measured_kg_milli),
        lines: m
            .lines
            .into_iter()
            .map(|l| ManifestLineRow {
                code: l.code.to_string(),
                name: l.name,
                declared: l.declared.to_string(),
                measured: l.measured.as_ref().map(Quantity::to_string),
                difference: l.difference_milli.map(|d| {
                    let sign = if d > 0 { "+" } else { "" };
                    format!("{sign}{} {}", format_milli(d), l.declared.unit)
                }),
                beyond_tolerance: l.beyond_tolerance,
                state: l.state.as_str().into(),
                state_name: l.state.name(lang).into(),
                holder: l.holder.to_string(),
                waiting: l.waiting,
            })
            .collect(),
    }
}

/// Every manifest this device knows a container of, those with containers still to come
/// (pickups for a carrier, arrivals for a receiver) first.
#[tauri::command]
pub fn manifests(state: State<'_, AppState>) -> Result<Vec<ManifestRow>, AppError> {
    let lang = state.lang();
    let list = state
        .open()?
        .manifests()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(list.into_iter().map(|m| row(m, lang)).collect())
}

/// Saves the transfer manifest as an A4 PDF (联单: parties, containers, quantities, each
/// signature and whether it verified here) in `exports/`; returns the file.
#[tauri::command]
pub fn export_manifest_pdf(state: State<'_, AppState>, number: String) -> Result<String, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let number = yima_device::parse_manifest(&number).map_err(e)?;
    let path = state
        .open()?
        .export_manifest_pdf(&state.dir(), &number)
        .map_err(e)?;
    Ok(path.display().to_string())
}
