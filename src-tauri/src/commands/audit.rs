//! The registry's audit API for a regulator (any other enrolled device sees its own
//! organisation's custody): containers searched and counted by what an inspector knows (a
//! plate, a manifest, a code…), and one container's timeline read from the registry's
//! evidence bundle and verified here. Online only; errors say `not_enrolled`,
//! `sync_unreachable` (offline), `bad_input` (a malformed filter, named) or
//! `unknown_container` (a timeline of nothing this organisation may read).

use crate::commands::sync::sync_error;
use crate::dto::{
    AuditChoices, AuditCountView, AuditCountsView, AuditFilterForm, AuditPageView, AuditRowView,
    AuditStateChoice, AuditTimelineView,
};
use crate::{AppError, AppState};
use tauri::State;
use yima_codes::Lang;
use yima_core::{BundleScope, ContainerState};
use yima_device::{Device, SystemClock};
use yima_sync::{AuditFilter, AuditGroup, Registry, SyncError, SyncErrorKind, SyncOptions};

/// A person waits for the answer: a few quick attempts, not a sync's patient retries.
const ATTEMPTS: u32 = 3;

/// A state's name for people, or its key when it names none.
fn state_name(key: &str, lang: Lang) -> String {
    ContainerState::ALL
        .into_iter()
        .find(|s| s.as_str() == key)
        .map(|s| s.name(lang).to_string())
        .unwrap_or_else(|| key.to_string())
}

/// `not_enrolled` for a device with no registry; a refusal as `refused` (a search's and a
/// count's: the registry's 400 for a malformed filter, named in its message; a bundle's:
/// nothing of it this organisation may read); the rest as sync errors (`sync_unreachable`
/// when offline).
fn audit_error(e: SyncError, lang: Lang, refused: &str) -> AppError {
    match e.kind() {
        SyncErrorKind::NotEnrolled => not_enrolled(lang),
        SyncErrorKind::Refused => AppError {
            kind: refused.into(),
            message: e.message(lang),
            containers: None,
        },
        _ => sync_error(e, lang),
    }
}

fn not_enrolled(lang: Lang) -> AppError {
    AppError {
        kind: "not_enrolled".into(),
        message: match lang {
            Lang::Zh => "本设备未在登记中心注册：审计查询需要联网注册后才能使用".into(),
            Lang::En => "this device is not enrolled with a registry: auditing needs one".into(),
        },
        containers: None,
    }
}

/// The device and its registry, with quick retries.
fn online(state: &AppState, lang: Lang) -> Result<(Device<SystemClock>, Registry), AppError> {
    let mut device = state.open()?;
    let options = SyncOptions {
        extra_ca_pem: yima_sync::kept_ca(&state.dir()).map_err(|e| sync_error(e, lang))?,
        max_attempts: ATTEMPTS,
        ..SyncOptions::default()
    };
    let registry = Registry::for_device(&mut device, options)
        .map_err(|e| audit_error(e, lang, "bad_input"))?;
    Ok((device, registry))
}

/// The form as the registry's filter: empty fields are not given, the days a China-time
/// period (`bad_input` for a day that is none).
fn filter(form: &AuditFilterForm, lang: Lang) -> Result<AuditFilter, AppError> {
    let given = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let (from, to) =
        yima_device::parse_period(given(&form.since).as_deref(), given(&form.until).as_deref())
            .map_err(|e| AppError::device(e, lang))?;
    Ok(AuditFilter {
        code: given(&form.code),
        org: given(&form.org),
        producer: given(&form.producer),
        waste: given(&form.waste),
        category: given(&form.category),
        manifest: given(&form.manifest),
        plate: given(&form.plate),
        carrier: given(&form.carrier),
        division: given(&form.division),
        state: given(&form.state),
        from,
        to,
    })
}

/// The states a search may ask for and the groupings of a count.
#[tauri::command]
pub fn audit_choices(state: State<'_, AppState>) -> AuditChoices {
    let lang = state.lang();
    AuditChoices {
        states: ContainerState::ALL
            .into_iter()
            .map(|s| AuditStateChoice {
                state: s.as_str().into(),
                name: s.name(lang).into(),
            })
            .collect(),
        groups: AuditGroup::ALL
            .iter()
            .map(|g| g.as_str().to_string())
            .collect(),
    }
}

/// One page of the containers this device's organisation may audit that meet `filter`,
/// after the container `after` (the page before's `next`), at most `limit` (100 by default).
#[tauri::command]
pub async fn audit_search(
    state: State<'_, AppState>,
    filter: AuditFilterForm,
    after: Option<String>,
    limit: Option<u32>,
) -> Result<AuditPageView, AppError> {
    let lang = state.lang();
    let f = self::filter(&filter, lang)?;
    let (mut device, registry) = online(&state, lang)?;
    let page = registry
        .audit_search(&mut device, &f, after.as_deref(), limit)
        .await
        .map_err(|e| audit_error(e, lang, "bad_input"))?;
    Ok(AuditPageView {
        containers: page
            .containers
            .into_iter()
            .map(|c| AuditRowView {
                state_name: state_name(&c.state, lang),
                code: c.code,
                producer: c.producer,
                waste: c.waste,
                category: c.category,
                state: c.state,
                holder: c.holder,
                manifest: c.manifest,
                first_at: c.first_at.to_string(),
                last_at: c.last_at.to_string(),
            })
            .collect(),
        next: page.next,
    })
}

/// How many containers meet `filter`, grouped `by` (`producer`, `province`, `city`,
/// `county`, `category`, `waste`, `state`, `day`, `month` or `year`).
#[tauri::command]
pub async fn audit_counts(
    state: State<'_, AppState>,
    filter: AuditFilterForm,
    by: String,
) -> Result<AuditCountsView, AppError> {
    let lang = state.lang();
    let f = self::filter(&filter, lang)?;
    let group: AuditGroup = by.trim().parse().map_err(|e: String| AppError {
        kind: "bad_input".into(),
        message: e,
        containers: None,
    })?;
    let (mut device, registry) = online(&state, lang)?;
    let counts = registry
        .audit_counts(&mut device, &f, group)
        .await
        .map_err(|e| audit_error(e, lang, "bad_input"))?;
    Ok(AuditCountsView {
        by: counts.by.as_str().into(),
        groups: counts
            .groups
            .into_iter()
            .map(|g| AuditCountView {
                label: if group == AuditGroup::State {
                    state_name(&g.key, lang)
                } else {
                    g.key.clone()
                },
                key: g.key,
                containers: u32::try_from(g.containers).unwrap_or(u32::MAX),
            })
            .collect(),
        total: u32::try_from(counts.total).unwrap_or(u32::MAX),
    })
}

/// The timeline of container `code` from the registry's evidence bundle, verified here:
/// each step with its mark and what fails in it. `unknown_container` when the registry holds
/// nothing of it this organisation may read.
#[tauri::command]
pub async fn audit_timeline(
    state: State<'_, AppState>,
    code: String,
) -> Result<AuditTimelineView, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let code = yima_device::parse_codes(std::slice::from_ref(&code))
        .map_err(e)?
        .pop()
        .expect("one code");
    let (mut device, registry) = online(&state, lang)?;
    let bytes = registry
        .fetch_bundle(&mut device, &BundleScope::Container(code.clone()))
        .await
        .map_err(|e| audit_error(e, lang, "unknown_container"))?;
    let tl = yima_device::bundle_timeline(&bytes, &code).map_err(e)?;
    Ok(AuditTimelineView::new(tl, lang))
}
