//! `POST /v1/sightings`: an enrolled device reports the labels it scanned (at sync), each
//! with its location fix then, if it had one, and whether the label verified on it. The
//! anomaly rules read them (`unseen_label`, `two_places`, a forged label as `bad_signature`);
//! the public label page keeps its views the same way. A device reports only as itself:
//! a report naming another device or organisation is refused whole, nothing kept.

use crate::auth::{json, Authed};
use crate::error::{ErrorKind, RegistryError};
use crate::routes::forbidden;
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use yima_core::{Seal, Sighter, Sighting, SightingPlace};
use yima_protocol::{DeviceInfo, ErrorBody, ReportedSighting, SightingsReport, SightingsStored};

/// The most sightings one report carries.
pub const MAX_SIGHTINGS_PER_REPORT: usize = 1000;

fn bad(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::BadRequest, m)
}

/// The device's id in a sighting: its public key, hex.
pub(crate) fn device_id(key: &yima_core::PublicKey) -> String {
    serde_json::to_value(key)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Checks one reported sighting of `reporter`: its code, its place, its seal, and that the
/// reporter scanned it (refused as forbidden otherwise).
pub(crate) fn check_sighting(
    r: &ReportedSighting,
    reporter: &DeviceInfo,
) -> Result<Sighting, RegistryError> {
    if r.device != reporter.key || r.org != reporter.org.as_str() {
        return Err(forbidden(format!(
            "a sighting of {} is reported as {} of {}, but this device is {} of {} \
             / 设备只能报告本设备的扫描记录",
            r.code,
            r.device.short(),
            r.org,
            reporter.key.short(),
            reporter.org
        )));
    }
    let code = r
        .code
        .trim()
        .parse()
        .map_err(|e: yima_codes::CodeError| bad(e.message(yima_codes::Lang::En)))?;
    let place = match (r.lat_e7, r.lon_e7) {
        (Some(lat_e7), Some(lon_e7)) => {
            let p = SightingPlace {
                lat_e7,
                lon_e7,
                accuracy_m: r.accuracy_m,
            };
            if !p.is_valid() {
                return Err(bad(format!("a sighting of {} is off the Earth", r.code)));
            }
            Some(p)
        }
        (None, None) => None,
        _ => return Err(bad("a sighting's place needs both lat_e7 and lon_e7")),
    };
    let seal = Seal::parse(&r.seal).ok_or_else(|| {
        bad(format!(
            "seal: genuine, forged or unchecked, not {:?}",
            r.seal
        ))
    })?;
    Ok(Sighting {
        code,
        at: r.at,
        place,
        who: Sighter::Device {
            org: reporter.org.clone(),
            device: device_id(&reporter.key),
        },
        seal,
    })
}

/// Report the labels this device scanned
///
/// Each scan with the device's location fix then (if any) and whether the label's signature
/// verified on it; kept for the anomaly rules (a label the registry never saw, one label in
/// two places at once, a forged label). Every sighting must name the calling device and its
/// organisation: a report naming another is refused whole, nothing kept. A scan reported
/// again is kept once.
#[utoipa::path(
    post,
    path = "/v1/sightings",
    request_body = SightingsReport,
    responses(
        (status = 200, description = "kept (stored: how many were new)", body = SightingsStored),
        (status = 400, description = "a code that does not read, a place off the Earth or half given, an unknown seal, or more than 1000 sightings", body = ErrorBody),
        (status = 403, description = "a sighting names another device or organisation than the caller", body = ErrorBody),
    )
)]
pub(crate) async fn post_sightings<S: RegistryStore>(
    State(st): State<AppState<S>>,
    authed: Authed,
) -> Result<Json<SightingsStored>, RegistryError> {
    let report: SightingsReport = json(&authed.body)?;
    if report.sightings.len() > MAX_SIGHTINGS_PER_REPORT {
        return Err(bad(format!(
            "at most {MAX_SIGHTINGS_PER_REPORT} sightings a report"
        )));
    }
    let sightings = report
        .sightings
        .iter()
        .map(|r| check_sighting(r, &authed.device))
        .collect::<Result<Vec<_>, _>>()?;
    let stored = st.store.put_sightings(sightings, (st.clock)()).await?;
    Ok(Json(SightingsStored {
        stored: stored as u64,
    }))
}
