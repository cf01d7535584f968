//! The HTTP API (`/v1/...`): each handler carries its own OpenAPI description
//! (`#[utoipa::path]`), and is served where that description says (see `openapi`).

use crate::admin;
use crate::auth::{json, Authed};
use crate::enrolment;
use crate::error::{ErrorKind, RegistryError};
use crate::middleware::{
    access_span, count, limit_enrol, limit_page, limit_push, limit_road, request_id, too_many,
};
use crate::offers;
use crate::openapi::Described;
use crate::signatures::SignatureCheck;
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use tower_http::trace::TraceLayer;
use utoipa::{IntoParams, ToSchema};
use yima_core::{Role, SignedEvent};
use yima_protocol::{
    ErrorBody, FeedPage, KeyDirectoryPage, PushOutcome, PushRequest, PushResponse, PushResult,
    RefusalKind, MAX_BODY_BYTES, MAX_EVENT_BYTES, MAX_FEED_PAGE_BYTES, MAX_PUSH_EVENTS,
};

/// Every route the registry serves, each at the path and method of its description: the
/// router below and the tests of the OpenAPI document both read this.
pub(crate) fn described<S: RegistryStore>(state: &AppState<S>) -> Described<S> {
    let enrol_limit = from_fn_with_state(state.clone(), limit_enrol::<S>);
    let push_limit = from_fn_with_state(state.clone(), limit_push::<S>);
    let road_limit = from_fn_with_state(state.clone(), limit_road::<S>);
    let page_limit = from_fn_with_state(state.clone(), limit_page::<S>);
    Described::new()
        .serve(__path_health, health)
        .serve(__path_ready, ready::<S>)
        .serve(__path_metrics, metrics::<S>)
        .serve(__path_openapi, openapi)
        .serve_with(enrolment::__path_enrol, enrolment::enrol::<S>, |m| {
            m.layer(enrol_limit)
        })
        .serve(admin::__path_add_org, admin::add_org::<S>)
        .serve(admin::__path_issue_code, admin::issue_code::<S>)
        .serve(admin::__path_revoke, admin::revoke::<S>)
        .serve(
            admin::__path_give_sequence_block,
            admin::give_sequence_block::<S>,
        )
        .serve_with(__path_push, push::<S>, |m| m.layer(push_limit))
        .serve(__path_feed, feed::<S>)
        .serve(__path_keys, keys::<S>)
        .serve(__path_registry_key, registry_key::<S>)
        .serve(crate::bundle::__path_bundle, crate::bundle::bundle::<S>)
        .serve(crate::audit::__path_search, crate::audit::search::<S>)
        .serve(crate::audit::__path_counts, crate::audit::counts::<S>)
        .serve(crate::audit::__path_anomalies, crate::audit::anomalies::<S>)
        .serve(offers::__path_post_offer, offers::post_offer::<S>)
        .serve(offers::__path_get_offers, offers::get_offers::<S>)
        .serve(
            crate::sightings::__path_post_sightings,
            crate::sightings::post_sightings::<S>,
        )
        .serve_with(
            crate::road::__path_check_road,
            crate::road::check_road::<S>,
            |m| m.layer(road_limit),
        )
        .serve_with(
            crate::public_page::__path_label_page_upper,
            crate::public_page::label_page_upper::<S>,
            |m| m.layer(page_limit.clone()),
        )
        .serve_with(
            crate::public_page::__path_label_page_lower,
            crate::public_page::label_page_lower::<S>,
            |m| m.layer(page_limit),
        )
}

/// The registry's routes.
pub fn router<S: RegistryStore>(state: AppState<S>) -> Router {
    described(&state)
        .router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), count::<S>))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(access_span)
                .on_response(
                    |resp: &Response, latency: std::time::Duration, span: &tracing::Span| {
                        span.record("status", resp.status().as_u16());
                        span.record("latency_ms", latency.as_secs_f64() * 1000.0);
                        tracing::info!(parent: span, "access");
                    },
                ),
        )
        .layer(from_fn(request_id))
        .with_state(state)
}

/// The answer to `GET /v1/health`.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct Liveness {
    /// Always true: the process answers.
    pub(crate) ok: bool,
}

/// The answer to `GET /v1/ready`.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct Readiness {
    /// Always true: the database takes writes now (else the answer is a 503).
    pub(crate) ready: bool,
}

/// Liveness
#[utoipa::path(
    get,
    path = "/v1/health",
    security(()),
    responses((status = 200, description = "the process answers", body = Liveness))
)]
async fn health() -> Json<Liveness> {
    Json(Liveness { ok: true })
}

/// Readiness: the database takes writes now
#[utoipa::path(
    get,
    path = "/v1/ready",
    security(()),
    responses(
        (status = 200, description = "ready", body = Readiness),
        (status = 503, description = "the database is unavailable or locked (with Retry-After)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
async fn ready<S: RegistryStore>(
    State(st): State<AppState<S>>,
) -> Result<Json<Readiness>, RegistryError> {
    // The database answers: a write lock can be taken.
    st.store.ready().await?;
    Ok(Json(Readiness { ready: true }))
}

/// Prometheus metrics (text exposition format)
///
/// Requests by route, method and status with latency; pushed events by outcome; refused
/// events by reason; forks; push latency; connections; the PostgreSQL pool.
#[utoipa::path(
    get,
    path = "/metrics",
    security(()),
    responses((status = 200, description = "metrics", body = String, content_type = "text/plain"))
)]
async fn metrics<S: RegistryStore>(State(st): State<AppState<S>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        st.metrics.render(st.store.pool_status()),
    )
}

async fn not_found(uri: axum::http::Uri) -> RegistryError {
    RegistryError::new(ErrorKind::NotFound, format!("no route {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> impl IntoResponse {
    let e = RegistryError::new(
        ErrorKind::BadRequest,
        format!("{method} is not allowed on {}", uri.path()),
    );
    (StatusCode::METHOD_NOT_ALLOWED, e.into_response())
}

/// This description
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    security(()),
    responses((status = 200, description = "the OpenAPI document", body = serde_json::Value))
)]
async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(),
    )
}

pub(crate) fn forbidden(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::Forbidden, m)
}

/// Push a batch of events (at most 1000)
///
/// Each is accepted, a duplicate, a fork (stored and flagged), refused (kept with its
/// reason) or deferred (push again later).
#[utoipa::path(
    post,
    path = "/v1/events",
    request_body = PushRequest,
    responses(
        (status = 200, description = "one result per event, in order", body = PushResponse),
        (status = 403, description = "regulators record nothing", body = ErrorBody),
        (status = 429, description = "too many pushes from this address or key", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
async fn push<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<PushResponse>, RegistryError> {
    let started = Instant::now();
    if authed.device.role == Role::Regulator {
        return Err(forbidden(
            "regulators see everything in their jurisdiction and record nothing",
        ));
    }
    if let Err(wait) = st
        .limits
        .push_per_key
        .take(authed.device.key, Instant::now())
    {
        tracing::warn!(key = %authed.device.key.short(), wait, "rate limited: pushes per key");
        return Err(too_many("pushes from this key", wait));
    }
    let req: PushRequest = json(&authed.body)?;
    if req.events.len() > MAX_PUSH_EVENTS {
        return Err(RegistryError::new(
            ErrorKind::BadRequest,
            format!("at most {MAX_PUSH_EVENTS} events per push"),
        ));
    }
    // Signatures are batch-verified on another core while the events are parsed and the
    // store decides and writes them; the store commits only if the check passes.
    let signatures = SignatureCheck::start(
        req.events
            .iter()
            .flat_map(|w| w.signatures.iter().map(move |s| (w.id, *s)))
            .collect(),
    );
    // Malformed events are answered at once; the rest are decided by the store.
    let mut slots: Vec<Option<PushResult>> = Vec::with_capacity(req.events.len());
    let mut parsed: Vec<SignedEvent> = Vec::new();
    // What the events whose route fixes were pushed beside them sign of their track.
    let track_ids: std::collections::HashSet<yima_core::EventId> =
        req.tracks.iter().map(|t| t.event).collect();
    let mut signed = crate::tracks::Signed::new();
    for w in req.events {
        let id = w.id;
        // One event is a label and a few fields: an oversized one is refused unparsed.
        if w.body.len() > MAX_EVENT_BYTES {
            slots.push(Some(PushResult {
                id,
                outcome: PushOutcome::Refused,
                reason: Some(format!(
                    "event too large: {} bytes, at most {MAX_EVENT_BYTES}",
                    w.body.len()
                )),
                refusal: Some(RefusalKind::TooLarge),
            }));
            continue;
        }
        match w.into_parsed() {
            Ok(e) => {
                if track_ids.contains(&e.id) {
                    signed.insert(e.id, (e.body.track, e.body.event.giver().cloned()));
                }
                parsed.push(e);
                slots.push(None);
            }
            Err(e) => slots.push(Some(PushResult {
                id,
                outcome: PushOutcome::Refused,
                reason: Some(e.to_string()),
                refusal: Some(RefusalKind::Malformed),
            })),
        }
    }
    let mut decided = st
        .store
        .ingest(parsed, authed.device.key, signatures, (st.clock)())
        .await?
        .into_iter();
    let results: Vec<PushResult> = slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| decided.next().expect("one result per parsed event")))
        .collect();
    let key = authed.device.key.short();
    for r in &results {
        st.metrics.event(outcome_name(r.outcome));
        match r.outcome {
            PushOutcome::Refused => {
                if let Some(kind) = r.refusal {
                    st.metrics.refused(kind);
                }
                tracing::warn!(
                    key = %key,
                    event = %r.id.short(),
                    refusal = r.refusal.map_or("", RefusalKind::as_str),
                    reason = r.reason.as_deref().unwrap_or(""),
                    "event refused"
                )
            }
            PushOutcome::Fork => tracing::warn!(
                key = %key,
                event = %r.id.short(),
                reason = r.reason.as_deref().unwrap_or(""),
                "event stored as a fork"
            ),
            _ => {}
        }
    }
    let (tracks, keep) =
        crate::tracks::decide_tracks(&authed.device.org, req.tracks, &signed, &results);
    for t in tracks.iter().filter(|t| !t.stored) {
        if let Some(kind) = t.refusal {
            st.metrics.refused(kind);
        }
        tracing::warn!(
            key = %key,
            event = %t.event.short(),
            reason = t.reason.as_deref().unwrap_or(""),
            "route fixes refused"
        );
    }
    st.store.put_tracks(keep, (st.clock)()).await?;
    st.metrics.push(started.elapsed());
    Ok(Json(PushResponse { results, tracks }))
}

fn outcome_name(o: PushOutcome) -> &'static str {
    match o {
        PushOutcome::Accepted => "accepted",
        PushOutcome::Duplicate => "duplicate",
        PushOutcome::Fork => "fork",
        PushOutcome::Refused => "refused",
        PushOutcome::Deferred => "deferred",
    }
}

/// Where a feed page starts and how long it is.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// The cursor: entries after this position (0, the start, if absent).
    after: Option<i64>,
    /// Most entries in the page (500 if absent; 1 to 2000).
    #[param(minimum = 1, maximum = 2000)]
    limit: Option<u32>,
}

/// Events the device's organisation may see, after a cursor
///
/// A page also ends early once its event bodies pass 2 MiB (keeping at least one entry).
#[utoipa::path(
    get,
    path = "/v1/feed",
    params(FeedQuery),
    responses((status = 200, description = "a page", body = FeedPage))
)]
async fn feed<S: RegistryStore>(
    State(st): State<AppState<S>>,
    q: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
    authed: Authed,
) -> Result<Json<FeedPage>, RegistryError> {
    let Query(q) = q.map_err(|e| {
        RegistryError::new(
            ErrorKind::BadRequest,
            format!("malformed query: {}", e.body_text()),
        )
    })?;
    let limit = q.limit.unwrap_or(500).clamp(1, 2000);
    let page = st
        .store
        .feed(authed.device.org, q.after.unwrap_or(0), limit)
        .await?;
    let mut page = bound_page(page, MAX_FEED_PAGE_BYTES);
    // Whoever may read an event reads the route fixes kept beside it.
    let with_track: Vec<yima_core::EventId> = page
        .entries
        .iter()
        .filter(|e| e.event.body.contains("\"track\":{"))
        .map(|e| e.event.id)
        .collect();
    if !with_track.is_empty() {
        let mut fixes = st.store.tracks_of(with_track).await?;
        for e in &mut page.entries {
            e.fixes = fixes.remove(&e.event.id);
        }
    }
    Ok(Json(page))
}

/// Ends a feed page early once its event bodies pass `max_bytes` (always keeping one
/// entry, so a reader makes progress), moving the cursor back and saying more follow.
fn bound_page(mut page: FeedPage, max_bytes: usize) -> FeedPage {
    let mut total = 0usize;
    let keep = page
        .entries
        .iter()
        .position(|e| {
            total += e.event.body.len();
            total > max_bytes
        })
        .map_or(page.entries.len(), |i| i.max(1));
    if keep < page.entries.len() {
        page.entries.truncate(keep);
        page.next = page.entries.last().map_or(page.next, |e| e.seq);
        page.more = true;
    }
    page
}

/// The keys the calling device needs
///
/// Its own organisation's devices, every regulator's, and those of the organisations it
/// shares a container with (not the national directory).
#[utoipa::path(
    get,
    path = "/v1/keys",
    responses((status = 200, description = "devices", body = KeyDirectoryPage))
)]
async fn keys<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<KeyDirectoryPage>, RegistryError> {
    Ok(Json(KeyDirectoryPage {
        devices: st.store.devices_seen_by(authed.device.org).await?,
    }))
}

/// The answer to `GET /v1/registry-key`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct RegistryKeyAnswer {
    /// The registry's public key (hex Ed25519), which attests the evidence bundles it
    /// exports: pin it to verify them (`yima verify --bundle FILE --registry-key HEX`).
    pub key: yima_core::PublicKey,
}

/// The registry's public key
///
/// The key whose signature attests the evidence bundles this registry exports (the key
/// records and events in them are the registry's, as exported). Unsigned: anyone may ask;
/// compare it with the key the operator publishes.
#[utoipa::path(
    get,
    path = "/v1/registry-key",
    security(()),
    responses((status = 200, description = "the registry's public key", body = RegistryKeyAnswer))
)]
async fn registry_key<S: RegistryStore>(
    State(st): State<AppState<S>>,
) -> Result<Json<RegistryKeyAnswer>, RegistryError> {
    Ok(Json(RegistryKeyAnswer {
        key: st.registry_key().await?.public(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(sizes: &[usize]) -> FeedPage {
        let entries = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| yima_protocol::FeedEntry {
                seq: i as i64 + 1,
                event: yima_core::WireEvent {
                    id: yima_core::EventId([i as u8; 32]),
                    body: "x".repeat(*n),
                    signatures: Vec::new(),
                },
                arrived_at: yima_core::Timestamp(0),
                fork_of: None,
                fixes: None,
            })
            .collect();
        FeedPage {
            entries,
            next: sizes.len() as i64,
            more: false,
        }
    }

    #[test]
    fn a_feed_page_is_bounded_in_bytes_as_well_as_count() {
        let p = bound_page(page(&[400, 400, 400, 400]), 1000);
        assert_eq!(p.entries.len(), 2);
        assert_eq!(p.next, 2, "the cursor resumes after the last entry sent");
        assert!(p.more);
        // Under the bound nothing changes.
        let p = bound_page(page(&[400, 400]), 1000);
        assert_eq!((p.entries.len(), p.next, p.more), (2, 2, false));
        // One entry over the bound is still sent alone, so a reader makes progress.
        let p = bound_page(page(&[5000, 10]), 1000);
        assert_eq!((p.entries.len(), p.next, p.more), (1, 1, true));
    }
}
