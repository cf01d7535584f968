//! The audit API (`GET /v1/audit/containers`, `GET /v1/audit/counts`): a regulator
//! searches and counts the containers of its jurisdiction — every container with a custody
//! party there, so a transfer that leaves the jurisdiction and one that enters it are both
//! seen — and any other organisation the containers it is a custody party of. Filtered in
//! SQL over the audit index (`store::audit`); the timeline of one container, verified by
//! the reader, is its evidence bundle (`GET /v1/bundle`), read under the same scope.

use crate::auth::Authed;
use crate::error::{ErrorKind, RegistryError};
use crate::store::audit::{AuditScope, Criteria};
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use yima_core::Role;
use yima_protocol::{
    AuditAnomalyPage, AuditCounts, AuditFilter, AuditGroup, AuditPage, DeviceInfo, ErrorBody,
    DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE,
};

fn bad(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::BadRequest, m)
}

/// What the calling device's organisation may search: a regulator its jurisdiction (all of
/// the country for an empty one), anyone else what it is a custody party of.
pub async fn scope_of<S: RegistryStore>(
    store: &S,
    device: &DeviceInfo,
) -> Result<AuditScope, RegistryError> {
    if device.role == Role::Regulator {
        let own = store.org(device.org.clone()).await?;
        match own.and_then(|o| o.jurisdiction) {
            Some(j) if j.is_empty() => return Ok(AuditScope::All),
            Some(j) => return Ok(AuditScope::Jurisdiction(j)),
            None => {}
        }
    }
    Ok(AuditScope::Party(device.org.clone()))
}

/// The filters of a search or a count, as a query string has them, checked.
fn criteria(filter: AuditFilter) -> Result<Criteria, RegistryError> {
    Criteria::check(&filter).map_err(bad)
}

/// Where a page starts and how long it is.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// The `next` of the page before (a container code): this page starts after it.
    after: Option<String>,
    /// Containers on the page (1 to 500; 100 when not given).
    limit: Option<u32>,
}

/// What counts are grouped by.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GroupQuery {
    /// producer, province, city, county, category, waste, state, day, month or year.
    by: String,
}

/// A page's length: 1 to [`MAX_AUDIT_PAGE`], [`DEFAULT_AUDIT_PAGE`] when not given.
fn page_limit(limit: Option<u32>) -> Result<u32, RegistryError> {
    let limit = limit.unwrap_or(DEFAULT_AUDIT_PAGE);
    if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
        return Err(bad(format!("limit: 1 to {MAX_AUDIT_PAGE}, not {limit}")));
    }
    Ok(limit)
}

fn query<T>(
    q: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, RegistryError> {
    q.map(|Query(q)| q)
        .map_err(|e| bad(format!("malformed query: {}", e.body_text())))
}

/// Searches the containers the caller's organisation may audit
///
/// Every filter given must hold. A regulator finds the containers with a custody party in
/// its jurisdiction; any other organisation those it is a custody party of. Paged by code:
/// pass a page's `next` as `after` for the next one.
#[utoipa::path(
    get,
    path = "/v1/audit/containers",
    params(AuditFilter, PageQuery),
    responses(
        (status = 200, description = "one page of the containers found, by code", body = AuditPage),
        (status = 400, description = "a malformed filter, named", body = ErrorBody),
    )
)]
pub(crate) async fn search<S: RegistryStore>(
    State(st): State<AppState<S>>,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
    page: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
    authed: Authed,
) -> Result<Json<AuditPage>, RegistryError> {
    let criteria = criteria(query(filter)?)?;
    let page = query(page)?;
    let limit = page_limit(page.limit)?;
    let after = page.after.map(|a| a.trim().to_ascii_uppercase());
    let scope = scope_of(st.store.as_ref(), &authed.device).await?;
    Ok(Json(
        st.store.audit_search(scope, criteria, after, limit).await?,
    ))
}

/// Counts the containers the caller's organisation may audit, by group
///
/// The same filters and scope as the search; each group with containers, and the total.
#[utoipa::path(
    get,
    path = "/v1/audit/counts",
    params(AuditFilter, GroupQuery),
    responses(
        (status = 200, description = "the count of each group, by key", body = AuditCounts),
        (status = 400, description = "a malformed filter or grouping, named", body = ErrorBody),
    )
)]
pub(crate) async fn counts<S: RegistryStore>(
    State(st): State<AppState<S>>,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
    group: Result<Query<GroupQuery>, axum::extract::rejection::QueryRejection>,
    authed: Authed,
) -> Result<Json<AuditCounts>, RegistryError> {
    let criteria = criteria(query(filter)?)?;
    let by: AuditGroup = query(group)?.by.parse().map_err(bad)?;
    let scope = scope_of(st.store.as_ref(), &authed.device).await?;
    Ok(Json(st.store.audit_counts(scope, criteria, by).await?))
}

/// Which anomalies, and where a page starts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AnomalyQuery {
    /// Only this rule's (weight_discrepancy, receipt_overdue, manifest_not_closed,
    /// event_after_closure, relay_gap, track_missing, track_gap, off_corridor,
    /// storage_overdue, fork, bad_signature, wrong_key, revoked_key, not_on_manifest, unseen_label, two_places).
    rule: Option<String>,
    /// The `next` of the page before: this page starts after it.
    after: Option<String>,
    /// Anomalies on the page (1 to 500; 100 when not given).
    limit: Option<u32>,
}

/// Lists the anomalies found in the containers the caller's organisation may audit
///
/// What the anomaly rules last found in each container's chain, judged again after every
/// push that changes it and when a deadline passes; the same filters and scope as the
/// search. Paged by container, rule and event.
#[utoipa::path(
    get,
    path = "/v1/audit/anomalies",
    params(AuditFilter, AnomalyQuery),
    responses(
        (status = 200, description = "one page of the anomalies found", body = AuditAnomalyPage),
        (status = 400, description = "a malformed filter or rule, named", body = ErrorBody),
    )
)]
pub(crate) async fn anomalies<S: RegistryStore>(
    State(st): State<AppState<S>>,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
    page: Result<Query<AnomalyQuery>, axum::extract::rejection::QueryRejection>,
    authed: Authed,
) -> Result<Json<AuditAnomalyPage>, RegistryError> {
    let criteria = criteria(query(filter)?)?;
    let page = query(page)?;
    let rule = page
        .rule
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(crate::store::audit::check_rule)
        .transpose()
        .map_err(bad)?;
    let limit = page_limit(page.limit)?;
    let scope = scope_of(st.store.as_ref(), &authed.device).await?;
    Ok(Json(
        st.store
            .audit_anomalies(scope, criteria, rule, page.after, limit)
            .await?,
    ))
}
