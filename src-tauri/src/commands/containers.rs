//! Containers: the catalogue, registering and labelling, lists, timelines, storage, verify.

use crate::dto::{
    AnomalyView, BundleSummary, CatalogueHit, ContainerRow, Detail, LabelPreview, NewContainerForm,
    StepView, TimelineView, VerifySummary,
};
use crate::{AppError, AppState};
use tauri::State;
use yima_codes::{Catalogue, LabelCode, Lang};
use yima_device::{DeviceError, NewContainer};

pub(crate) fn codes(list: &[String], lang: Lang) -> Result<Vec<LabelCode>, AppError> {
    list.iter()
        .map(|c| {
            c.trim()
                .parse::<LabelCode>()
                .map_err(|e| AppError::device(DeviceError::from(e), lang))
        })
        .collect()
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Catalogue entries matching a code, a category or Chinese words.
#[tauri::command]
pub fn catalogue_search(text: String) -> Vec<CatalogueHit> {
    let catalogue = Catalogue::latest();
    catalogue
        .search(&text)
        .into_iter()
        .take(50)
        .map(|e| CatalogueHit {
            code: e.code.to_string(),
            category: e.category.to_string(),
            category_name: e.category_name.clone(),
            description: e.description.clone(),
            hazards: e.hazards.to_string(),
        })
        .collect()
}

/// Registers and labels a new container.
#[tauri::command]
pub fn register_container(
    state: State<'_, AppState>,
    req: NewContainerForm,
) -> Result<ContainerRow, AppError> {
    let lang = state.lang();
    let new = NewContainer {
        waste_code: req.waste_code.trim().into(),
        amount: req.amount.trim().into(),
        unit: req.unit.trim().into(),
        form: req.form.trim().into(),
        name: some(&req.name),
        hazards: some(&req.hazards),
        main_components: req.main_components,
        harmful_components: req.harmful_components,
        precautions: req.precautions,
        contact: req.contact,
        phone: req.phone,
        container_type: req.container_type,
        facility_code: req.facility_code,
        remarks: req.remarks,
        classification_reason: req.classification_reason,
        test_report: req.test_report,
        at: None,
        location: None,
    };
    let mut device = state.open()?;
    let label = device
        .register(&new)
        .map_err(|e| AppError::device(e, lang))?;
    let view = device
        .container(&label.code)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(ContainerRow {
        code: label.code.to_string(),
        waste_code: label.waste_code.to_string(),
        name: label.name.clone(),
        quantity: label.quantity.to_string(),
        state: serde_json::to_value(view.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        state_name: view.state.name(lang).into(),
    })
}

/// Every container this device knows.
#[tauri::command]
pub fn containers(state: State<'_, AppState>) -> Result<Vec<ContainerRow>, AppError> {
    let lang = state.lang();
    let list = state
        .open()?
        .containers()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(list
        .into_iter()
        .map(|c| ContainerRow {
            state: serde_json::to_value(c.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            state_name: c.state.name(lang).into(),
            code: c.code,
            waste_code: c.waste_code,
            name: c.name,
            quantity: c.quantity,
        })
        .collect())
}

/// A container's whole timeline, each step with its verification mark.
#[tauri::command]
pub fn timeline(state: State<'_, AppState>, code: String) -> Result<TimelineView, AppError> {
    let lang = state.lang();
    let code = codes(std::slice::from_ref(&code), lang)?.remove(0);
    let timeline = state
        .open()?
        .timeline(&code)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(TimelineView {
        code: timeline.code.to_string(),
        ok: timeline.ok(),
        without_history: timeline.verification.without_history.contains(&code),
        steps: timeline
            .steps
            .into_iter()
            .map(|s| StepView {
                step: s.entry.step.as_str().into(),
                step_name: s.entry.step.name(lang).into(),
                role_name: s.entry.role.name(lang).into(),
                at: s.entry.at.to_string(),
                entered_late: s.entry.entered_late == Some(true),
                arrived_late: s.entry.arrived_late,
                details: s
                    .entry
                    .details
                    .into_iter()
                    .map(|(name, value)| Detail {
                        name: field_name(&name, lang),
                        value,
                    })
                    .collect(),
                id: s.entry.id,
                org: s.entry.org,
                operator: s.entry.operator,
                signers: s.entry.signers,
                verified: s.verified,
                problems: s
                    .problems
                    .into_iter()
                    .map(|(kind, detail)| format!("{kind}: {detail}"))
                    .collect(),
            })
            .collect(),
    })
}

/// A detail's name in `lang` (the catalogue's `cli.field.*`, shared with the CLI).
fn field_name(key: &str, lang: Lang) -> String {
    let id = format!("cli.field.{key}");
    if yima_i18n::has(&id) {
        yima_i18n::t(lang, &id).to_owned()
    } else {
        key.to_owned()
    }
}

/// The container's HJ 1276 label as SVG, sized by the container's volume in litres (HJ 1276:
/// up to 50 L 100 mm, up to 450 L 150 mm, above 200 mm and two labels; unknown, 100 mm).
#[tauri::command]
pub fn label_svg(
    state: State<'_, AppState>,
    code: String,
    container_volume: Option<f64>,
) -> Result<LabelPreview, AppError> {
    let lang = state.lang();
    let code = codes(std::slice::from_ref(&code), lang)?.remove(0);
    let (size, copies) = yima_label::LabelSize::for_container(container_volume)
        .map_err(|e| AppError::render(e, lang))?;
    let mut device = state.open()?;
    let form = device
        .label_form(yima_device::LabelQr::Auto)
        .map_err(|e| AppError::device(e, lang))?;
    let (label, payload) = device
        .label_payload(&code)
        .map_err(|e| AppError::device(e, lang))?;
    let svg = yima_label::render_in(&label, &payload, &form, size, yima_label::Format::Svg)
        .map_err(|e| AppError::render(e, lang))?;
    Ok(LabelPreview {
        svg: String::from_utf8_lossy(&svg).into_owned(),
        size_mm: size.mm() as u32,
        copies: copies as u32,
    })
}

/// Verifies every signature, chain and stored row on this device.
#[tauri::command]
pub fn verify_all(state: State<'_, AppState>) -> Result<VerifySummary, AppError> {
    let lang = state.lang();
    let result = state
        .open()?
        .verify(None)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(VerifySummary {
        ok: result.ok,
        events: result.events as u32,
        containers: result.containers as u32,
        failures: result
            .failures
            .iter()
            .map(|f| format!("{} {}: {}", f.event.short(), f.kind.as_str(), f.detail))
            .collect(),
    })
}

/// What needs attention in the containers this device holds, judged now by the core's
/// anomaly rules.
#[tauri::command]
pub fn anomalies(state: State<'_, AppState>) -> Result<Vec<AnomalyView>, AppError> {
    let lang = state.lang();
    let list = state
        .open()?
        .anomalies_now()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(list
        .into_iter()
        .map(|a| AnomalyView {
            rule: a.rule.as_str().into(),
            rule_name: a.rule.name(lang).into(),
            container: a.container.to_string(),
            since: a.since.to_string(),
            due: a.due.map(|d| d.to_string()),
            detail: a.detail(lang).into(),
        })
        .collect())
}

/// The verdict on an evidence bundle (the file's bytes, sent raw), checked offline with no
/// device needed: each failure names the event's place in the file.
#[tauri::command]
pub fn verify_bundle(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<BundleSummary, AppError> {
    let lang = state.lang();
    let bytes = crate::commands::scan::body(&request);
    let r = yima_device::verify_bundle_bytes(&bytes).map_err(|e| AppError::device(e, lang))?;
    let (scope, subject) = match &r.scope {
        yima_core::BundleScope::Container(c) => ("container", c.to_string()),
        yima_core::BundleScope::Manifest(m) => ("manifest", m.to_string()),
    };
    Ok(BundleSummary {
        ok: r.ok(),
        scope: scope.into(),
        subject,
        exported_by: r.exported_by.clone(),
        exported_at: r.exported_at.to_string(),
        events: u32::try_from(r.events).unwrap_or(u32::MAX),
        containers: u32::try_from(r.containers).unwrap_or(u32::MAX),
        failures: r.failures.iter().map(ToString::to_string).collect(),
        notes: r.notes.iter().map(ToString::to_string).collect(),
        keys: r
            .keys
            .iter()
            .map(|k| {
                let revoked = k
                    .revoked_at
                    .map(|at| format!(" ⊘ {at}"))
                    .unwrap_or_default();
                format!("{} {} {}{revoked}", k.key, k.org, k.org_name)
            })
            .collect(),
        attested_by: r.attested_by.map(|k| k.to_string()),
        key_records: r.key_records.as_str().into(),
    })
}

/// The HJ 1259 ledger as CSV text, column names in the user's language.
#[tauri::command]
pub fn ledger_csv(state: State<'_, AppState>) -> Result<String, AppError> {
    let lang = state.lang();
    let mut out = Vec::new();
    state
        .open()?
        .write_ledger_csv(&mut out, lang)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Writes the ledger as a CSV file in the data directory's `exports/`; returns its path.
#[tauri::command]
pub fn export_ledger(state: State<'_, AppState>) -> Result<String, AppError> {
    let lang = state.lang();
    let (path, _) = state
        .open()?
        .export_ledger_csv(&state.dir(), lang)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(path.display().to_string())
}

/// Saves the containers' labels into `exports/`: `pdf` one file (an A4 sheet when there are
/// several), `png` one 300 dpi image each. Returns the paths.
#[tauri::command]
pub fn save_labels(
    state: State<'_, AppState>,
    codes: Vec<String>,
    format: String,
) -> Result<Vec<String>, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let list = yima_device::parse_codes(&codes).map_err(e)?;
    let mut device = state.open()?;
    // The registry's address when enrolled with one over https (any phone opens it).
    let form = device.label_form(yima_device::LabelQr::Auto).map_err(e)?;
    let mut labels = Vec::new();
    for code in &list {
        labels.push(device.label_payload(code).map_err(e)?);
    }
    let size = yima_label::LabelSize::Mm100;
    let render = |e| AppError::render(e, lang);
    let dir = state.dir();
    let mut paths = Vec::new();
    match format.as_str() {
        "pdf" => {
            let bytes = if labels.len() == 1 {
                let (l, p) = &labels[0];
                yima_label::render_in(l, p, &form, size, yima_label::Format::Pdf).map_err(render)?
            } else {
                yima_label::pdf_sheet_in(&labels, &form, size).map_err(render)?
            };
            paths.push(
                device
                    .save_export(&dir, "labels", "pdf", &bytes)
                    .map_err(e)?,
            );
        }
        "png" => {
            for (l, p) in &labels {
                let bytes = yima_label::render_in(l, p, &form, size, yima_label::Format::Png)
                    .map_err(render)?;
                let stem = format!("label-{}", l.code);
                paths.push(device.save_export(&dir, &stem, "png", &bytes).map_err(e)?);
            }
        }
        other => {
            return Err(e(yima_device::DeviceError::bilingual(
                yima_device::ErrorKind::BadInput,
                format!("unknown label format {other:?}: expected pdf or png"),
                format!("未知标签格式 {other:?}：应为 pdf 或 png"),
            )))
        }
    }
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}
