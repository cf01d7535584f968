//! The HTTP API (`/v1/...`), described in `openapi.json`.

use crate::auth::{json, Authed, Signed};
use crate::error::{ErrorKind, RegistryError};
use crate::signatures::SignatureCheck;
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use serde::Deserialize;
use yima_core::{Role, SignedEvent, Timestamp};
use yima_protocol::{
    DeviceInfo, EnrolRequest, EnrolmentCode, FeedPage, KeyDirectoryPage, NewEnrolmentCode, NewOrg,
    PushOutcome, PushRequest, PushResponse, PushResult, Revocation, MAX_BODY_BYTES,
    MAX_PUSH_EVENTS,
};

/// How long an enrolment code stays valid: 7 days.
pub const ENROLMENT_CODE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// The registry's routes.
pub fn router<S: RegistryStore>(state: AppState<S>) -> Router {
    Router::new()
        .route(
            "/v1/health",
            get(|| async { Json(serde_json::json!({ "ok": true })) }),
        )
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/enrol", post(enrol::<S>))
        .route("/v1/orgs", post(add_org::<S>))
        .route("/v1/enrolment-codes", post(issue_code::<S>))
        .route("/v1/revocations", post(revoke::<S>))
        .route("/v1/events", post(push::<S>))
        .route("/v1/feed", get(feed::<S>))
        .route("/v1/keys", get(keys::<S>))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// The SHA-256 (hex) under which an enrolment code is stored: the code itself is never kept.
pub fn code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    crate::checksum(&normalised)
}

/// A new random enrolment code: 20 characters of an unambiguous alphabet, in groups of 5.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Checks an organisation before it is registered (by the API or `admin add-org`): a name
/// without control characters, at least one role, and for a regulator a jurisdiction of 2
/// to 6 digits (a division code prefix) — an empty one would see every province.
pub fn check_org(org: &NewOrg) -> Result<(), RegistryError> {
    let bad = |m: &str| Err(RegistryError::new(ErrorKind::BadRequest, m));
    if org.name.trim().is_empty() || org.name.chars().any(char::is_control) {
        return bad("an organisation needs a name without control characters");
    }
    if org.roles.is_empty() {
        return bad("an organisation needs at least one role");
    }
    match (&org.jurisdiction, org.roles.contains(&Role::Regulator)) {
        (Some(j), true) if (2..=6).contains(&j.len()) && j.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(())
        }
        (Some(_), true) => bad(
            "a jurisdiction is 2 to 6 digits of the administrative division code (e.g. 35, 3501)",
        ),
        (None, true) => bad("a regulator needs a jurisdiction (e.g. 35 for Fujian)"),
        (Some(_), false) => bad("only a regulator has a jurisdiction"),
        (None, false) => Ok(()),
    }
}

/// Issues an enrolment code through the store (used by the API and by `admin enrol-code`).
pub async fn issue_enrolment_code<S: RegistryStore>(
    store: &S,
    req: NewEnrolmentCode,
    now: Timestamp,
) -> Result<EnrolmentCode, RegistryError> {
    let org = store.org(req.org.clone()).await?.ok_or_else(|| {
        RegistryError::new(
            ErrorKind::NotFound,
            format!("organisation {} is not registered", req.org),
        )
    })?;
    if !org.roles.contains(&req.role) {
        return Err(RegistryError::new(
            ErrorKind::BadRequest,
            format!("{} is not registered as a {}", org.credit_code, req.role),
        ));
    }
    let code = new_code();
    let expires_at = Timestamp(now.0 + ENROLMENT_CODE_TTL_MS);
    store
        .add_enrolment_code(code_hash(&code), req, now, expires_at)
        .await?;
    Ok(EnrolmentCode { code, expires_at })
}

fn forbidden(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::Forbidden, m)
}

fn is_regulator_admin(d: &DeviceInfo) -> bool {
    d.role == Role::Regulator && d.admin
}

async fn enrol<S: RegistryStore>(
    State(st): State<AppState<S>>,
    signed: Signed,
) -> Result<Json<DeviceInfo>, RegistryError> {
    let req: EnrolRequest = json(&signed.body)?;
    let device = st
        .store
        .redeem_enrolment(code_hash(&req.code), signed.auth.key, (st.clock)())
        .await?;
    Ok(Json(device))
}

async fn add_org<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<StatusCode, RegistryError> {
    if !is_regulator_admin(&authed.device) {
        return Err(forbidden(
            "only a regulator's admin device registers organisations",
        ));
    }
    let org: NewOrg = json(&authed.body)?;
    check_org(&org)?;
    st.store.add_org(org, (st.clock)()).await?;
    Ok(StatusCode::CREATED)
}

async fn issue_code<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<EnrolmentCode>, RegistryError> {
    let req: NewEnrolmentCode = json(&authed.body)?;
    let d = &authed.device;
    if !(is_regulator_admin(d) || (d.admin && d.org == req.org)) {
        return Err(forbidden("only a regulator's admin or the organisation's own admin device issues its enrolment codes"));
    }
    Ok(Json(
        issue_enrolment_code(st.store.as_ref(), req, (st.clock)()).await?,
    ))
}

async fn revoke<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<StatusCode, RegistryError> {
    let req: Revocation = json(&authed.body)?;
    let target = st.store.device(req.key).await?.ok_or_else(|| {
        RegistryError::new(
            ErrorKind::NotFound,
            format!("key {} is not enrolled", req.key.short()),
        )
    })?;
    let d = &authed.device;
    if !(is_regulator_admin(d) || (d.admin && d.org == target.org)) {
        return Err(forbidden(
            "only a regulator's admin or the organisation's own admin device revokes its keys",
        ));
    }
    st.store
        .revoke(req.key, req.at.unwrap_or((st.clock)()))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn push<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<PushResponse>, RegistryError> {
    if authed.device.role == Role::Regulator {
        return Err(forbidden(
            "regulators see everything in their jurisdiction and record nothing",
        ));
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
    for w in req.events {
        let id = w.id;
        match w.into_parsed() {
            Ok(e) => {
                parsed.push(e);
                slots.push(None);
            }
            Err(e) => slots.push(Some(PushResult {
                id,
                outcome: PushOutcome::Refused,
                reason: Some(e.to_string()),
            })),
        }
    }
    let mut decided = st
        .store
        .ingest(parsed, authed.device.key, signatures, (st.clock)())
        .await?
        .into_iter();
    let results = slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| decided.next().expect("one result per parsed event")))
        .collect();
    Ok(Json(PushResponse { results }))
}

#[derive(Deserialize)]
struct FeedQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

async fn feed<S: RegistryStore>(
    State(st): State<AppState<S>>,
    Query(q): Query<FeedQuery>,
    authed: Authed,
) -> Result<Json<FeedPage>, RegistryError> {
    let limit = q.limit.unwrap_or(500).clamp(1, 2000);
    Ok(Json(
        st.store
            .feed(authed.device.org, q.after.unwrap_or(0), limit)
            .await?,
    ))
}

async fn keys<S: RegistryStore>(
    State(st): State<AppState<S>>,
    _authed: Authed,
) -> Result<Json<KeyDirectoryPage>, RegistryError> {
    Ok(Json(KeyDirectoryPage {
        devices: st.store.devices().await?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str, roles: Vec<Role>, jurisdiction: Option<&str>) -> NewOrg {
        NewOrg {
            credit_code: yima_codes::CreditCode::with_check("11350000MB0000001").unwrap(),
            name: name.into(),
            roles,
            jurisdiction: jurisdiction.map(str::to_string),
        }
    }

    #[test]
    fn organisations_are_checked_before_registration() {
        assert!(check_org(&org("福建省生态环境厅", vec![Role::Regulator], Some("35"))).is_ok());
        assert!(check_org(&org("示例化工", vec![Role::Producer], None)).is_ok());
        // An empty jurisdiction would see every province.
        assert!(check_org(&org("厅", vec![Role::Regulator], Some(""))).is_err());
        assert!(check_org(&org("厅", vec![Role::Regulator], Some("3x"))).is_err());
        assert!(check_org(&org("厅", vec![Role::Regulator], None)).is_err());
        assert!(check_org(&org("化工", vec![Role::Producer], Some("35"))).is_err());
        assert!(check_org(&org(" ", vec![Role::Producer], None)).is_err());
        assert!(check_org(&org("a\0b", vec![Role::Producer], None)).is_err());
        assert!(check_org(&org("化工", vec![], None)).is_err());
    }

    #[test]
    fn enrolment_codes_are_unambiguous_and_hashed_loosely() {
        let code = new_code();
        assert_eq!(code.len(), 23);
        assert!(!code.contains(['0', '1', 'I', 'O']));
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
    }
}
