//! Handovers online: the giver's device posts its signed offer for the taker's device
//! (`POST /v1/handover-offers`), which fetches the offers addressed to it
//! (`GET /v1/handover-offers`) until the dual-signed event reaches the registry by its push.
//! An offer is checked whole before anything is kept: only the giver may post it, signed,
//! for an enrolled device of another key whose organisation and role it names rightly.

use crate::auth::{json, Authed};
use crate::error::{ErrorKind, RegistryError};
use crate::routes::forbidden;
use crate::store::{unknown_key, OfferPut, OfferRecord, RegistryStore};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use yima_core::{Role, SignedEvent};
use yima_protocol::{
    DeviceInfo, ErrorBody, HandoverOffer, OfferStored, OffersWaiting, MAX_EVENT_BYTES,
    MAX_OFFERS_PER_FETCH, MAX_WAITING_OFFERS_PER_GIVER, OFFER_FORMAT,
};

fn bad(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::BadRequest, m)
}

/// Checks an offer posted by `poster` (everything but the taker's enrolment): its event,
/// parsed, a handover composed, given and signed by the poster.
pub(crate) fn check_offer(
    offer: &HandoverOffer,
    poster: &DeviceInfo,
) -> Result<SignedEvent, RegistryError> {
    if offer.format != OFFER_FORMAT {
        return Err(bad(format!(
            "not a handover offer (format {:?}, expected {OFFER_FORMAT})",
            offer.format
        )));
    }
    if offer.event.body.len() > MAX_EVENT_BYTES {
        return Err(bad(format!(
            "the offer's event is over {MAX_EVENT_BYTES} bytes"
        )));
    }
    let event = offer
        .event
        .parse()
        .map_err(|e| bad(format!("the offer's event cannot be read: {e}")))?;
    let composer = event.body.composer;
    if composer != poster.key {
        return Err(forbidden(format!(
            "only the giver that composed an offer may send it (composed by {}, sent by {})",
            composer.short(),
            poster.key.short()
        )));
    }
    let signed_by_composer = event.signatures.iter().any(|s| s.key == composer);
    if !signed_by_composer
        || event
            .signatures
            .iter()
            .any(|s| !s.key.verify(&event.id, &s.sig))
    {
        return Err(forbidden(
            "the offer's event is not signed by its composer, or a signature does not verify",
        ));
    }
    let Some(giver) = event.body.event.giver() else {
        return Err(bad(format!(
            "a {} is not a handover: only a handover is offered",
            event.body.step().as_str()
        )));
    };
    if giver.key != composer {
        return Err(bad("an offer is composed by its giver"));
    }
    if giver.org != poster.org || giver.role != poster.role {
        return Err(forbidden(format!(
            "the giver is named as {} ({}), but this device is of {} ({})",
            giver.org, giver.role, poster.org, poster.role
        )));
    }
    if event.body.by.key == giver.key {
        return Err(bad("the giver and the taker are one device"));
    }
    Ok(event)
}

/// Send a handover offer to the taker's device
///
/// The body is the offer the giver composed and signed; it is kept (once per event id)
/// until the taker's device fetches it and pushes the dual-signed event.
#[utoipa::path(
    post,
    path = "/v1/handover-offers",
    request_body = HandoverOffer,
    responses(
        (status = 200, description = "kept for the taker (stored false: it was already)", body = OfferStored),
        (status = 403, description = "a regulator, not the offer's giver (composer), its signature missing or wrong, or the giver named with another organisation or role", body = ErrorBody),
        (status = 404, description = "the taker's key is not enrolled", body = ErrorBody),
        (status = 409, description = "the taker's key is revoked, or the giver has 500 offers waiting", body = ErrorBody),
    )
)]
pub(crate) async fn post_offer<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<OfferStored>, RegistryError> {
    if authed.device.role == Role::Regulator {
        return Err(forbidden("regulators hand nothing over"));
    }
    let offer: HandoverOffer = json(&authed.body)?;
    let event = check_offer(&offer, &authed.device)?;
    let taker = &event.body.by;
    let Some(device) = st.store.device(taker.key).await? else {
        return Err(unknown_key(&taker.key));
    };
    if device.revoked_at.is_some() {
        return Err(RegistryError::new(
            ErrorKind::Conflict,
            format!(
                "the taker's key {} is revoked / 接收方密钥 {} 已吊销",
                taker.key.short(),
                taker.key.short()
            ),
        ));
    }
    if device.org != taker.org || device.role != taker.role {
        return Err(bad(format!(
            "the taker is named as {} ({}), but its key is of {} ({})",
            taker.org, taker.role, device.org, device.role
        )));
    }
    let record = OfferRecord {
        event_id: event.id,
        giver: authed.device.key,
        taker: taker.key,
        body: serde_json::to_string(&offer).expect("an offer serialises"),
    };
    match st
        .store
        .put_offer(record, MAX_WAITING_OFFERS_PER_GIVER, (st.clock)())
        .await?
    {
        OfferPut::Stored => Ok(Json(OfferStored { stored: true })),
        OfferPut::Already => Ok(Json(OfferStored { stored: false })),
        OfferPut::Full => Err(RegistryError::new(
            ErrorKind::Conflict,
            format!(
                "{MAX_WAITING_OFFERS_PER_GIVER} offers of this device are waiting for their takers / \
                 本设备已有 {MAX_WAITING_OFFERS_PER_GIVER} 个交接邀请等待接收"
            ),
        )),
    }
}

/// Handover offers waiting for the calling device
///
/// Those addressed to its key whose event is not at the registry yet, oldest first, at
/// most 100.
#[utoipa::path(
    get,
    path = "/v1/handover-offers",
    responses((status = 200, description = "the offers", body = OffersWaiting))
)]
pub(crate) async fn get_offers<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<OffersWaiting>, RegistryError> {
    let offers = st
        .store
        .offers_for(authed.device.key, MAX_OFFERS_PER_FETCH)
        .await?;
    Ok(Json(OffersWaiting { offers }))
}
