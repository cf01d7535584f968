//! Administration over the API: registering organisations, issuing enrolment codes and
//! revoking keys, each only within the caller's authority (see `authority`).

use crate::auth::{json, Authed};
use crate::authority::{may_administer, may_register};
use crate::error::{ErrorKind, RegistryError};
use crate::routes::{check_org, forbidden, issue_enrolment_code};
use crate::store::{unknown_key, OrgRecord, RegistryStore};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use yima_codes::CreditCode;
use yima_core::PublicKey;
use yima_protocol::{
    DeviceInfo, EnrolmentCode, NewEnrolmentCode, NewOrg, Revocation, RevocationOutcome,
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

/// `POST /v1/sequence-blocks`: gives a device of an organisation the caller administers its
/// own block of label sequences, if it has none.
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
