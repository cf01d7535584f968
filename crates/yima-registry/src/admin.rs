//! Administration over the API: registering organisations, issuing enrolment codes and
//! revoking keys, each only within the caller's authority (see `authority`).

use crate::auth::{json, Authed};
use crate::authority::{may_administer, may_register};
use crate::enrolment::{check_org, issue_enrolment_code};
use crate::error::{ErrorKind, RegistryError};
use crate::routes::forbidden;
use crate::store::{unknown_key, OrgRecord, RegistryStore};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use yima_codes::CreditCode;
use yima_core::PublicKey;
use yima_protocol::{
    DeviceInfo, EnrolmentCode, ErrorBody, NewEnrolmentCode, NewOrg, Revocation, RevocationOutcome,
    SequenceBlockGiven, SequenceBlockRequest,
};

/// The organisation `code`, or 404.
async fn org_of<S: RegistryStore>(
    st: &AppState<S>,
    code: &CreditCode,
) -> Result<OrgRecord, RegistryError> {
    st.store.org(code.clone()).await?.ok_or_else(|| {
        RegistryError::new(
            ErrorKind::NotFound,
            format!("organisation {code} is not registered / 机构 {code} 未登记"),
        )
    })
}

/// Refused unless `device` may administer `target`.
async fn administers<S: RegistryStore>(
    st: &AppState<S>,
    device: &DeviceInfo,
    target: &OrgRecord,
) -> Result<(), RegistryError> {
    let own = org_of(st, &device.org).await?;
    if may_administer(device, &own, target) {
        Ok(())
    } else {
        Err(forbidden(format!(
            "only {}'s own admin device or a regulator's admin device whose jurisdiction covers it may do this / \
             只有 {} 本机构的管理设备或辖区覆盖它的监管部门管理设备可以这样做",
            target.credit_code, target.credit_code
        )))
    }
}

/// The device `key`, refused unless `device` may administer its organisation.
async fn administers_device<S: RegistryStore>(
    st: &AppState<S>,
    device: &DeviceInfo,
    key: PublicKey,
) -> Result<(), RegistryError> {
    let target = st
        .store
        .device(key)
        .await?
        .ok_or_else(|| unknown_key(&key))?;
    let target_org = org_of(st, &target.org).await?;
    administers(st, device, &target_org).await
}

/// Register an organisation
///
/// By a regulator's admin device, only within its jurisdiction (a regulator only strictly
/// below it); others are registered by the operator on the registry's host.
#[utoipa::path(
    post,
    path = "/v1/orgs",
    request_body = NewOrg,
    responses(
        (status = 201, description = "registered"),
        (status = 403, description = "not a regulator's admin device, or outside its jurisdiction", body = ErrorBody),
        (status = 409, description = "already registered", body = ErrorBody),
    )
)]
pub(crate) async fn add_org<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<StatusCode, RegistryError> {
    let org: NewOrg = json(&authed.body)?;
    check_org(&org)?;
    let own = org_of(&st, &authed.device.org).await?;
    let new = OrgRecord {
        credit_code: org.credit_code.clone(),
        name: org.name.clone(),
        roles: org.roles.clone(),
        jurisdiction: org.jurisdiction.clone(),
    };
    if !may_register(&authed.device, &own, &new) {
        return Err(forbidden(
            "only a regulator's admin device registers organisations, and only within its jurisdiction \
             (a regulator only strictly below it); others are registered by the operator on the registry's host / \
             只有监管部门的管理设备可以登记机构，且只限其辖区内（监管部门只限其下级）；其他由登记中心主机上的运维人员登记",
        ));
    }
    st.store.add_org(org, (st.clock)()).await?;
    Ok(StatusCode::CREATED)
}

/// Issue a single-use enrolment code
///
/// By the organisation's admin device, or a regulator's admin device whose jurisdiction
/// covers the organisation (another regulator only strictly below it).
#[utoipa::path(
    post,
    path = "/v1/enrolment-codes",
    request_body = NewEnrolmentCode,
    responses(
        (status = 200, description = "the code, shown once", body = EnrolmentCode),
        (status = 403, description = "not allowed", body = ErrorBody),
        (status = 404, description = "the organisation is not registered", body = ErrorBody),
    )
)]
pub(crate) async fn issue_code<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<EnrolmentCode>, RegistryError> {
    let req: NewEnrolmentCode = json(&authed.body)?;
    let target = org_of(&st, &req.org).await?;
    administers(&st, &authed.device, &target).await?;
    Ok(Json(
        issue_enrolment_code(st.store.as_ref(), req, (st.clock)()).await?,
    ))
}

/// Revoke a device key from the registry's receipt time on; idempotent
///
/// By the organisation's admin device, or a regulator's admin device whose jurisdiction
/// covers it. A caller-chosen time (`at`) is refused: an earlier time is set only by the
/// operator on the registry's host.
#[utoipa::path(
    post,
    path = "/v1/revocations",
    request_body = Revocation,
    responses(
        (status = 200, description = "revoked now, or already revoked before (already_revoked true, nothing changed)", body = RevocationOutcome),
        (status = 403, description = "not allowed, or a caller-chosen time", body = ErrorBody),
        (status = 404, description = "unknown key", body = ErrorBody),
    )
)]
pub(crate) async fn revoke<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<RevocationOutcome>, RegistryError> {
    let req: Revocation = json(&authed.body)?;
    if req.at.is_some() {
        return Err(forbidden(
            "a revocation over the API takes effect when the registry receives it; an earlier time is set only by \
             the operator on the registry's host / 通过接口的吊销自登记中心收到时生效；更早的时间只能由登记中心主机上的运维人员设定",
        ));
    }
    administers_device(&st, &authed.device, req.key).await?;
    let target = st
        .store
        .device(req.key)
        .await?
        .ok_or_else(|| unknown_key(&req.key))?;
    if let Some(at) = target.revoked_at {
        return Ok(Json(RevocationOutcome {
            key: req.key,
            revoked_at: at,
            already_revoked: true,
        }));
    }
    let now = (st.clock)();
    let changed = st.store.revoke(req.key, now).await?;
    // Lost a race with another revocation: answer with the time that one stored.
    let revoked_at = if changed {
        now
    } else {
        st.store
            .device(req.key)
            .await?
            .and_then(|d| d.revoked_at)
            .unwrap_or(now)
    };
    Ok(Json(RevocationOutcome {
        key: req.key,
        revoked_at,
        already_revoked: !changed,
    }))
}

/// Give an enrolled device that has none its own block of label sequences; idempotent
///
/// The first block no device of its organisation holds, to a device enrolled before the
/// registry gave blocks; by the organisation's admin device, or a regulator's admin device
/// whose jurisdiction covers it. The device takes it up at its next sync.
#[utoipa::path(
    post,
    path = "/v1/sequence-blocks",
    request_body = SequenceBlockRequest,
    responses(
        (status = 200, description = "the device's block, and whether it held it before", body = SequenceBlockGiven),
        (status = 403, description = "the caller does not administer the device's organisation", body = ErrorBody),
        (status = 404, description = "unknown key", body = ErrorBody),
        (status = 409, description = "the key is revoked, or every block of its organisation is held", body = ErrorBody),
    )
)]
pub(crate) async fn give_sequence_block<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<SequenceBlockGiven>, RegistryError> {
    let req: SequenceBlockRequest = json(&authed.body)?;
    administers_device(&st, &authed.device, req.key).await?;
    let given = st.store.give_sequence_block(req.key).await?;
    if !given.already_had {
        tracing::info!(
            key = %req.key.short(),
            block = %given.seq_block,
            by = %authed.device.key.short(),
            "label sequence block given"
        );
    }
    Ok(Json(given))
}
