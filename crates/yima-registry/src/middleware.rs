//! What every request passes through before its handler: the request id, the access log's
//! span, the metrics' count, and the rate limits on enrolment and pushes.

use crate::error::{ErrorKind, RegistryError};
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Instant;

/// The header carrying a request's id (a proxy's, or one made here), sent back too.
pub const REQUEST_ID: &str = "x-request-id";

/// Gives each request an id (keeping a proxy's), and sends it back in the answer.
pub(crate) async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .filter(|v| v.len() <= 64 && v.to_str().is_ok())
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&format!("{:016x}", rand::random::<u64>()))
                .expect("hex is a header value")
        });
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(REQUEST_ID, id);
    resp
}

/// The access log's span: method, matched route, request id, the key a request names
/// (short, as claimed: the log line of a refusal says whether it held) and the peer.
pub(crate) fn access_span(req: &Request) -> tracing::Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str());
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let key = header(yima_protocol::HEADER_KEY);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %req.method(),
        route,
        request_id = header(REQUEST_ID),
        key = key.get(..16).unwrap_or(key),
        peer,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Counts each request in the metrics by matched route, method and status.
pub(crate) async fn count<S: RegistryStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    // Known methods by name, any other as one label: a client cannot grow the metrics.
    let method = match req.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH") => m,
        _ => "other",
    }
    .to_string();
    let resp = next.run(req).await;
    st.metrics
        .request(&route, &method, resp.status().as_u16(), started.elapsed());
    resp
}

/// The client's address: the last one in the proxy's header when one is configured and
/// present (the address the proxy itself saw), else the connection's peer.
fn peer<S>(st: &AppState<S>, req: &Request) -> Option<std::net::IpAddr> {
    let forwarded = st.client_ip_header.as_ref().and_then(|h| {
        let v = req.headers().get_all(h).iter().next_back()?.to_str().ok()?;
        v.rsplit(',').next()?.trim().parse().ok()
    });
    forwarded.or_else(|| {
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

pub(crate) fn too_many(what: &str, wait: u64) -> RegistryError {
    RegistryError::new(
        ErrorKind::TooManyRequests,
        format!("too many {what}; retry in {wait} s"),
    )
    .retry_after(wait)
}

/// The refusal when the caller's address has no token left in `buckets` (`what` is what
/// it asked too often, for the log and the message); `None` lets the request through.
fn per_address<S: RegistryStore>(
    st: &AppState<S>,
    req: &Request,
    buckets: &crate::limits::Buckets<std::net::IpAddr>,
    what: &str,
) -> Option<Response> {
    let ip = peer(st, req)?;
    let wait = buckets.take(ip, Instant::now()).err()?;
    tracing::warn!(peer = %ip, wait, "rate limited: {what}");
    Some(too_many(&format!("{what} from this address"), wait).into_response())
}

/// Enrolment attempts per address, before the body is read or anything written.
pub(crate) async fn limit_enrol<S: RegistryStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    match per_address(
        &st,
        &req,
        &st.limits.enrol_per_address,
        "enrolment attempts",
    ) {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// Road pass checks per address, before the body is read.
pub(crate) async fn limit_road<S: RegistryStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    match per_address(&st, &req, &st.limits.road_per_address, "road pass checks") {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// Views of labels' public pages per address: over the limit, a page saying so (429, with
/// `Retry-After`) in the language the page would have been in.
pub(crate) async fn limit_page<S: RegistryStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(ip) = peer(&st, &req) else {
        return next.run(req).await;
    };
    let Err(wait) = st.limits.page_per_address.take(ip, Instant::now()) else {
        return next.run(req).await;
    };
    tracing::warn!(peer = %ip, wait, "rate limited: label pages");
    let query = req.uri().query().unwrap_or("");
    let lang_query = query.split('&').find_map(|kv| kv.strip_prefix("lang="));
    let accept = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    crate::public_page::too_many_page(crate::public_page::page_lang(lang_query, accept), wait)
}

/// Pushes per address, before the body is read or anything written.
pub(crate) async fn limit_push<S: RegistryStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    match per_address(&st, &req, &st.limits.push_per_address, "pushes") {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}
