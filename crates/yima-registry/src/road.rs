//! `POST /v1/road`: road control. An inspector with no account sends a road pass a driver
//! shows (`docs/ROAD-PASS.md`); the registry answers what it records of the pass's
//! containers (in transit with that carrier under that manifest, or not confirmed) and
//! nothing else, only while the pass is valid and signed by an enrolled, unrevoked device
//! of the carrier it names.

use crate::error::{ErrorKind, RegistryError};
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use yima_core::{ContainerState, ContainerStatus, RoadPass, RoadPassError, Role, Timestamp};
use yima_protocol::{
    ErrorBody, RoadCheck, RoadCheckLine, RoadCheckRequest, RoadParty, RoadStanding,
};

fn refused(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::Forbidden, m)
}

fn pass_refused(e: RoadPassError) -> RegistryError {
    let zh = e.message(yima_codes::Lang::Zh);
    match e {
        RoadPassError::NotRoadPass { .. } | RoadPassError::Malformed { .. } => {
            RegistryError::new(ErrorKind::BadRequest, format!("{e} / {zh}"))
        }
        _ => refused(format!("{e} / {zh}")),
    }
}

/// Checks a road pass and answers its containers as the registry records them
///
/// No account is needed: the pass is the authority, and only while it is valid (by the
/// registry's clock), signed by an enrolled device of the carrier it names that is not
/// revoked, and at least one of its containers is in transit with that carrier under its
/// manifest by the registry's record. The answer holds only the pass's containers; one the
/// registry does not record so is `not_confirmed`, with nothing more said of it.
#[utoipa::path(
    post,
    path = "/v1/road",
    security(()),
    request_body = RoadCheckRequest,
    responses(
        (status = 200, description = "the pass's containers as the registry records them", body = RoadCheck),
        (status = 400, description = "not a road pass, or a damaged one", body = ErrorBody),
        (status = 403, description = "altered, expired, early, too long, signed by a key the registry does not hold as the carrier's, or nothing of it in transit with the carrier: nothing is disclosed", body = ErrorBody),
        (status = 429, description = "too many road pass checks from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    )
)]
pub(crate) async fn check_road<S: RegistryStore>(
    State(st): State<AppState<S>>,
    body: Result<Json<RoadCheckRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<RoadCheck>, RegistryError> {
    let Json(req) = body.map_err(|e| {
        RegistryError::new(
            ErrorKind::BadRequest,
            format!("malformed request: {}", e.body_text()),
        )
    })?;
    Ok(Json(
        road_check(st.store.as_ref(), &req.pass, (st.clock)()).await?,
    ))
}

/// What the registry answers for `text` at `now` (see [`check_road`]).
pub async fn road_check<S: RegistryStore>(
    store: &S,
    text: &str,
    now: Timestamp,
) -> Result<RoadCheck, RegistryError> {
    let pass = RoadPass::parse(text.trim()).map_err(pass_refused)?;
    pass.check(now).map_err(pass_refused)?;
    let key = &pass.carrier.key;
    let Some(device) = store.device(*key).await? else {
        return Err(refused(
            "the road pass is signed by a key the registry never enrolled / 路检通行码的签名密钥未在登记系统注册",
        ));
    };
    if device.revoked_at.is_some_and(|at| at <= now) {
        return Err(refused(
            "the road pass is signed by a revoked key / 路检通行码由已吊销的密钥签名",
        ));
    }
    if device.org != pass.carrier.org
        || device.role != Role::Carrier
        || !device.org_roles.contains(&Role::Carrier)
    {
        return Err(refused(
            "the road pass's key is not a device of the carrier it names / 路检通行码的签名密钥不属于所列承运人",
        ));
    }
    let codes = pass.containers.iter().map(|c| c.code.clone()).collect();
    let statuses = store.statuses(codes).await?;
    let on_road = |s: &ContainerStatus| {
        s.state == ContainerState::InTransit
            && s.holder == pass.carrier.org
            && s.manifest.as_ref().map(|m| &m.number) == Some(&pass.manifest)
    };
    let confirmed: Vec<&ContainerStatus> = statuses
        .iter()
        .map(|(_, s)| s)
        .filter(|s| on_road(s))
        .collect();
    let Some(manifest) = confirmed.first().and_then(|s| s.manifest.as_ref()) else {
        return Err(refused(
            "nothing of this road pass is in transit with its carrier by the registry's record / 登记系统记录中，此路检通行码的容器均不在该承运人的运输途中",
        ));
    };
    let party = |p: &yima_core::Party| RoadParty {
        credit_code: p.credit_code.clone(),
        name: p.name.clone(),
    };
    let lines = pass
        .containers
        .iter()
        .map(|c| {
            let standing = statuses
                .iter()
                .find(|(code, s)| code == &c.code && on_road(s))
                .map_or(RoadStanding::NotConfirmed, |(_, s)| {
                    RoadStanding::InTransit {
                        quantity: s.quantity(),
                        since: s.custody_since,
                    }
                });
            RoadCheckLine {
                code: c.code.clone(),
                on_pass: c.quantity,
                registry: standing,
            }
        })
        .collect();
    Ok(RoadCheck {
        manifest: pass.manifest.clone(),
        carrier: RoadParty {
            credit_code: device.org.clone(),
            name: device.org_name.clone(),
        },
        sender: party(&manifest.sender),
        receiver: party(&manifest.receiver),
        vehicle_plate: pass.vehicle_plate.clone(),
        issued_at: pass.issued_at,
        expires_at: pass.expires_at,
        lines,
    })
}
