//! `GET /L/{label}` (and `/l/{label}`): the public page a phone's own camera opens from a
//! label whose QR code is the registry's address (label payload version 2,
//! `docs/LABEL-PAYLOAD.md`). No account and no script: the container's code, waste, producer,
//! current state and a verification mark, in Chinese or English, and nothing private (no
//! quantities but the label's, no plates, people or manifests).
//!
//! The signature is checked with the key of the device that generated the container by the
//! registry's stored chain (one container's events and one device row, never a scan of the
//! devices): only that device signs a container's labels. A label of a code the registry holds
//! no record of is checked against the devices of the organisation its code names as the
//! producer: one signed by none of them is forged; one whose producer is not registered here
//! (another province's registry holds its keys) cannot be checked. A label that does not
//! read, one the registry holds no record of, and one whose signature does not match get a
//! page saying so, and nothing of the container.

mod html;

use crate::error::RegistryError;
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, PartialSchema};
use yima_codes::{CatalogueSchedule, LabelCode, Lang};
use yima_core::{
    ContainerState, KeyId, LabelPayload, LabelVerdict, Quantity, Seal, Sighter, Sighting, Timestamp,
};

/// `?lang=` on the public page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// `zh` or `en`; without it, the browser's `Accept-Language` (Chinese by default).
    lang: Option<String>,
}

/// What the page says of a label.
#[derive(Debug, PartialEq)]
pub(crate) enum LabelPage {
    /// A genuine label of a container the registry records.
    Known(KnownLabel),
    /// The text is not a readable label (400).
    Unreadable,
    /// The registry holds no record of this container (404). The seal says whether the label
    /// was signed by a device of the producer its code names ([`Seal::Genuine`]: printed
    /// and never registered) or could not be checked ([`Seal::Unchecked`]: the producer is
    /// not registered here).
    Unknown(LabelCode, Seal),
    /// The signature does not match the label's facts, or is not the generating device's
    /// (404: nothing of the container is shown).
    Forged(LabelCode),
}

/// A genuine label's public facts.
#[derive(Debug, PartialEq)]
pub(crate) struct KnownLabel {
    pub(crate) code: LabelCode,
    pub(crate) waste_code: String,
    /// The waste's description in the catalogue in force on the generation date, else the
    /// label's name.
    pub(crate) waste_name: String,
    pub(crate) category: String,
    pub(crate) producer: String,
    pub(crate) quantity: Quantity,
    pub(crate) state: ContainerState,
    pub(crate) since: Option<Timestamp>,
    /// The registry's stored chain agrees with the label (its declared quantity as recorded).
    pub(crate) chain_agrees: bool,
    /// The generating device has been revoked since (its earlier labels stay genuine).
    pub(crate) key_revoked: bool,
}

/// What the registry says of the label whose URL path after `/L/` is `path`.
pub(crate) async fn label_page<S: RegistryStore>(
    store: &S,
    path: &str,
) -> Result<LabelPage, RegistryError> {
    let Ok(payload) = LabelPayload::from_url_path(path) else {
        return Ok(LabelPage::Unreadable);
    };
    let code = payload.code().clone();
    let Some((_, status)) = store.statuses(vec![code.clone()]).await?.pop() else {
        return Ok(match unregistered_seal(store, &payload, &code).await? {
            Seal::Forged => LabelPage::Forged(code),
            seal => LabelPage::Unknown(code, seal),
        });
    };
    let history = store.container_history(code.clone()).await?;
    let generating = history.iter().find_map(|entry| {
        let event = entry.event.parse().ok()?;
        let genesis = entry.fork_of.is_none() && event.body.link(&code)?.prev.is_none();
        genesis.then_some(event.body.by)
    });
    let Some(by) = generating else {
        return Ok(LabelPage::Unknown(code, Seal::Unchecked));
    };
    let verdict = payload.verify(|id| (*id == KeyId::of(&by.key)).then_some(by.key));
    let device = store.device(by.key).await?;
    let Some(device) = device.filter(|d| &d.org == code.producer()) else {
        return Ok(LabelPage::Forged(code));
    };
    if !matches!(verdict, LabelVerdict::Valid { .. }) {
        return Ok(LabelPage::Forged(code));
    }
    let label = &status.label;
    let catalogue = CatalogueSchedule::shipped();
    let waste_name = catalogue
        .in_force(code.date())
        .get(&label.waste_code)
        .map_or_else(|| label.name.clone(), |e| e.description.clone());
    Ok(LabelPage::Known(KnownLabel {
        waste_code: label.waste_code.to_string(),
        waste_name,
        category: label.category.to_string(),
        // The organisation's name as the registry's operator registered it.
        producer: device.org_name.clone(),
        quantity: payload.quantity(),
        state: status.state,
        since: status.head_at,
        chain_agrees: label.code == code && label.quantity == payload.quantity(),
        key_revoked: device.revoked_at.is_some(),
        code,
    }))
}

/// How a label of a code the registry holds no container of reads: signed by a device of the
/// organisation its code names as the producer (revoked or not: a label printed before the
/// revocation stays genuine), by none of them (forged: anyone can print a code, not its
/// signature), or not checkable, when that organisation is not registered here.
async fn unregistered_seal<S: RegistryStore>(
    store: &S,
    payload: &LabelPayload,
    code: &LabelCode,
) -> Result<Seal, RegistryError> {
    let producer = code.producer().clone();
    if store.org(producer.clone()).await?.is_none() {
        return Ok(Seal::Unchecked);
    }
    let devices = store.org_devices(producer).await?;
    let verdict = payload.verify(|id| {
        devices
            .iter()
            .find(|d| KeyId::of(&d.key) == *id)
            .map(|d| d.key)
    });
    Ok(if matches!(verdict, LabelVerdict::Valid { .. }) {
        Seal::Genuine
    } else {
        Seal::Forged
    })
}

/// The page's language: `?lang=` first, then the highest-weighted of Chinese and English in
/// `Accept-Language`, else Chinese.
pub(crate) fn page_lang(query: Option<&str>, accept: Option<&str>) -> Lang {
    match query {
        Some("en") => return Lang::En,
        Some("zh") => return Lang::Zh,
        _ => {}
    }
    let mut best: Option<(f32, Lang)> = None;
    for item in accept.unwrap_or("").split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let lang = if tag == "zh" || tag.starts_with("zh-") {
            Lang::Zh
        } else if tag == "en" || tag.starts_with("en-") {
            Lang::En
        } else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Zh, |(_, l)| l)
}

/// The page for the extracted path and query: a path that does not even decode is a label
/// that does not read, a query that does not is no `?lang=`; a person gets a page either way.
async fn answer<S: RegistryStore>(
    st: &AppState<S>,
    label: Result<Path<String>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<Response, RegistryError> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang_query = query.ok().and_then(|Query(q)| q.lang);
    let lang = page_lang(lang_query.as_deref(), accept);
    let page = match label {
        Ok(Path(path)) => label_page(st.store.as_ref(), &path).await?,
        Err(_) => LabelPage::Unreadable,
    };
    record_sighting(st, &page).await;
    let status = match page {
        LabelPage::Known(_) => StatusCode::OK,
        LabelPage::Unreadable => StatusCode::BAD_REQUEST,
        LabelPage::Unknown(..) | LabelPage::Forged(_) => StatusCode::NOT_FOUND,
    };
    Ok(html_response(status, lang, html::render(&page, lang)))
}

/// Keeps the view of a readable label as a sighting (no place: the page has none) for the
/// anomaly rules: a code the registry has no record of (judged by `unseen_label`), a forged
/// label (`Forged`, judged by `bad_signature`), a genuine one. A failure to keep it is logged
/// and the page shown all the same: the person at the container needs the page more.
async fn record_sighting<S: RegistryStore>(st: &AppState<S>, page: &LabelPage) {
    let (code, seal) = match page {
        LabelPage::Known(k) => (&k.code, Seal::Genuine),
        LabelPage::Unknown(code, seal) => (code, *seal),
        LabelPage::Forged(code) => (code, Seal::Forged),
        LabelPage::Unreadable => return,
    };
    let now = (st.clock)();
    let sighting = Sighting {
        code: code.clone(),
        at: now,
        place: None,
        who: Sighter::PublicPage,
        seal,
    };
    if let Err(e) = st.store.put_sightings(vec![sighting], now).await {
        tracing::warn!(container = %code, error = %e.message, "public page view not kept as a sighting");
    }
}

/// The page when an address asked for too many pages: 429 with `Retry-After`.
pub(crate) fn too_many_page(lang: Lang, wait: u64) -> Response {
    let mut resp = html_response(
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        html::too_many(lang, wait),
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// An HTML answer: no script, no outside resource, not cached beyond a minute.
pub(crate) fn html_response(status: StatusCode, lang: Lang, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, name, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_TYPE, "text/html; charset=utf-8");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'",
    );
    set(h, header::CACHE_CONTROL, "public, max-age=60");
    set(h, header::VARY, "accept-language");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let content_language = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    set(h, header::CONTENT_LANGUAGE, content_language);
    resp
}

/// The answers of a label's public page, one description for both of its addresses.
pub(crate) struct PageAnswers;

impl utoipa::IntoResponses for PageAnswers {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        let html = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content("text/html", ContentBuilder::new().build())
        };
        let seconds = HeaderBuilder::new()
            .description(Some("seconds to wait"))
            .schema(u64::schema())
            .build();
        let storage = ResponseBuilder::new()
            .description("the registry's storage is unavailable")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            );
        [
            ("200", html("a genuine label of a container the registry records")),
            ("400", html("not a readable label")),
            ("404", html("no record of this container, or a forged label: nothing of the container is shown")),
            ("429", html("too many page views from this address").header("Retry-After", seconds)),
            ("503", storage),
        ]
        .into_iter()
        .map(|(status, r)| (status.to_string(), RefOr::T(r.build())))
        .collect()
    }
}

/// A label's public page
///
/// What a phone's camera opens from a label whose QR code is the registry's address: the
/// container's code, waste, producer, current state and whether the label is genuine and
/// agrees with the registry's record, as HTML (no script), in Chinese or English. No account.
#[utoipa::path(
    get,
    path = "/L/{label}",
    security(()),
    params(
        ("label" = String, Path, description = "the label's facts and signature: `<code>-<amount><unit>-<174 digits>` (docs/LABEL-PAYLOAD.md), in any case"),
        PageQuery,
    ),
    responses(PageAnswers)
)]
pub(crate) async fn label_page_upper<S: RegistryStore>(
    State(st): State<AppState<S>>,
    label: Result<Path<String>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, RegistryError> {
    answer(&st, label, query, &headers).await
}

/// A label's public page, its address lowered by a phone or scanner
///
/// The same page as `/L/{label}`.
#[utoipa::path(
    get,
    path = "/l/{label}",
    security(()),
    params(
        ("label" = String, Path, description = "as for /L/{label}, in any case"),
        PageQuery,
    ),
    responses(PageAnswers)
)]
pub(crate) async fn label_page_lower<S: RegistryStore>(
    State(st): State<AppState<S>>,
    label: Result<Path<String>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, RegistryError> {
    answer(&st, label, query, &headers).await
}

#[cfg(test)]
mod tests;
