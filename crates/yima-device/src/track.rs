//! The carrier's route: location fixes recorded while this device's organisation carries
//! containers under a manifest (`record_fixes`, from a file: `record_fixes_from_file`),
//! signed as a digest into the handover that ends the transport (`track_for`, called where
//! handover bodies are composed), and shown per transport segment (`track_routes.rs`).

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::status::load_status;
use crate::Device;
use std::collections::BTreeMap;
use std::path::Path;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{
    canonical_fixes, track_digest, Actor, ContainerState, ContainerStatus, EventKind, Fix, Role,
    Timestamp, TrackDigest,
};
use yima_store::Tx;

/// Every container code this device knows (stored or only scanned).
pub(crate) fn known_codes(tx: &Tx<'_>) -> Result<Vec<LabelCode>, DeviceError> {
    let mut codes: Vec<LabelCode> = Vec::new();
    for row in tx.containers()? {
        codes.push(row.code.parse()?);
    }
    for (code, _, _) in tx.scanned_labels()? {
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// What `org` carries in transit, by manifest: the statuses of the containers it holds
/// picked up and not yet handed on (a road pass shows them).
pub(crate) fn loads_in_transit(
    tx: &Tx<'_>,
    org: &CreditCode,
) -> Result<BTreeMap<ManifestNumber, Vec<ContainerStatus>>, DeviceError> {
    let mut loads: BTreeMap<ManifestNumber, Vec<ContainerStatus>> = BTreeMap::new();
    for code in known_codes(tx)? {
        let Some(s) = load_status(tx, &code)? else {
            continue;
        };
        let Some(manifest) = s.manifest.as_ref().map(|m| m.number.clone()) else {
            continue;
        };
        if &s.holder == org && s.state == ContainerState::InTransit {
            loads.entry(manifest).or_default().push(s);
        }
    }
    Ok(loads)
}

/// `org`'s transports in progress: each manifest under which it carries containers in
/// transit, with when its custody of them began (the latest pickup among them).
fn transports_in_progress(
    tx: &Tx<'_>,
    org: &CreditCode,
) -> Result<BTreeMap<ManifestNumber, Timestamp>, DeviceError> {
    Ok(loads_in_transit(tx, org)?
        .into_iter()
        .map(|(manifest, load)| {
            let since = load
                .iter()
                .map(|s| s.custody_since.or(s.head_at).unwrap_or(Timestamp(i64::MIN)))
                .max()
                .unwrap_or(Timestamp(i64::MIN));
            (manifest, since)
        })
        .collect())
}

/// Stores the fixes of `fixes` (canonical) from `since` up to `now` for `org`'s transport
/// under `manifest`; how many were new.
fn keep_span(
    tx: &Tx<'_>,
    manifest: &ManifestNumber,
    org: &CreditCode,
    since: Timestamp,
    fixes: &[Fix],
    now: Timestamp,
) -> Result<usize, DeviceError> {
    let kept: Vec<Fix> = fixes
        .iter()
        .filter(|f| f.at >= since && f.at <= now)
        .cloned()
        .collect();
    Ok(tx.insert_fixes(manifest, org, &kept, now)?)
}

/// A transport in progress and the fixes a location source gave it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteRecorded {
    /// The manifest the carrier carries containers under.
    pub manifest: String,
    /// Fixes added now.
    pub added: usize,
    /// Fixes held for this transport since its pickup.
    pub held: usize,
}

fn not_in_transit(manifest: &ManifestNumber) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::NotInTransit,
        format!(
            "this device's organisation carries no container picked up under manifest {manifest}: no fix recorded"
        ),
        format!("本单位作为承运人未持有联单 {manifest} 下已接收的容器：未记录定位点"),
    )
}

/// The route track a handover this device composes signs: for a handover that ends the
/// carrier's transport (`relay_handover`, `received`, `returned` given by a carrier), the
/// digest of the fixes the giver's organisation recorded under the manifest from its pickup
/// (the latest custody start among the containers) up to the handover's time; `None`
/// otherwise, or when no fix was recorded (a missing track is the regulator's to see, not
/// an error).
pub(crate) fn track_for(
    tx: &Tx<'_>,
    giver: &Actor,
    kind: &EventKind,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    at: Timestamp,
) -> Result<Option<TrackDigest>, DeviceError> {
    if giver.role != Role::Carrier {
        return Ok(None);
    }
    let manifest = match kind {
        EventKind::RelayHandover { manifest, .. } | EventKind::Received { manifest, .. } => {
            Some(manifest.clone())
        }
        EventKind::Returned { .. } => statuses
            .values()
            .find_map(|s| s.manifest.as_ref().map(|m| m.number.clone())),
        _ => return Ok(None),
    };
    let Some(manifest) = manifest else {
        return Ok(None);
    };
    let since = statuses
        .values()
        .filter_map(|s| s.custody_since)
        .max()
        .unwrap_or(Timestamp(i64::MIN));
    let fixes = tx.fixes_between(&manifest, &giver.org, since, at)?;
    Ok((!fixes.is_empty()).then(|| track_digest(&fixes)))
}

impl<C: Clock> Device<C> {
    /// Records location fixes for the transport under `manifest`, while this device's
    /// organisation is the carrier holding containers picked up under it (in transit);
    /// otherwise [`ErrorKind::NotInTransit`] and nothing is stored. Fixes before the pickup
    /// or in the future (by this device's clock) are skipped, fixes already recorded for a
    /// moment ignored. One transaction; returns how many were added.
    pub fn record_fixes(
        &mut self,
        manifest: &ManifestNumber,
        fixes: &[Fix],
    ) -> Result<usize, DeviceError> {
        let now = self.clock.now();
        let fixes = canonical_fixes(fixes)
            .map_err(|e| DeviceError::bilingual(ErrorKind::BadInput, e.en, e.zh))?;
        self.store.write(|tx| {
            let device = tx.require_device()?;
            if device.role != Role::Carrier {
                return Err(not_in_transit(manifest));
            }
            let org = device.org.credit_code;
            let Some(&since) = transports_in_progress(tx, &org)?.get(manifest) else {
                return Err(not_in_transit(manifest));
            };
            keep_span(tx, manifest, &org, since, &fixes, now)
        })
    }

    /// Records `fixes` for every transport this device's organisation has in progress as a
    /// carrier (each manifest under which it holds containers picked up and in transit),
    /// as a location source does (the app's file or the phone's position): one
    /// transaction, nothing stored unless the device is a carrier's. Returns each manifest
    /// in transit with how many fixes it gained (none in transit: an empty list).
    pub fn record_route(&mut self, fixes: &[Fix]) -> Result<Vec<RouteRecorded>, DeviceError> {
        let now = self.clock.now();
        let fixes = canonical_fixes(fixes)
            .map_err(|e| DeviceError::bilingual(ErrorKind::BadInput, e.en, e.zh))?;
        self.store.write(|tx| {
            let device = tx.require_device()?;
            if device.role != Role::Carrier {
                return Err(DeviceError::bilingual(
                    ErrorKind::NotInTransit,
                    "only a carrier's device records a route: no fix recorded",
                    "只有承运人的设备记录运输路线：未记录定位点",
                ));
            }
            let org = device.org.credit_code;
            let since = transports_in_progress(tx, &org)?;
            let mut recorded = Vec::with_capacity(since.len());
            for (manifest, since) in since {
                let added = keep_span(tx, &manifest, &org, since, &fixes, now)?;
                recorded.push(RouteRecorded {
                    manifest: manifest.to_string(),
                    added,
                    held: tx.fixes_between(&manifest, &org, since, now)?.len(),
                });
            }
            Ok(recorded)
        })
    }

    /// [`Device::record_route`] with the fixes of a location file (GPX or CSV).
    pub fn record_route_from_file(
        &mut self,
        path: &Path,
    ) -> Result<Vec<RouteRecorded>, DeviceError> {
        let fixes = crate::track_file::read_fixes_file(path)?;
        self.record_route(&fixes)
    }

    /// [`Device::record_fixes`] with the fixes of a location file
    /// ([`crate::read_fixes_file`]: GPX or CSV), for one manifest (`yima track record`; the
    /// app's location source records for every transport at once: [`Device::record_route`]).
    pub fn record_fixes_from_file(
        &mut self,
        manifest: &ManifestNumber,
        path: &Path,
    ) -> Result<usize, DeviceError> {
        let fixes = crate::track_file::read_fixes_file(path)?;
        self.record_fixes(manifest, &fixes)
    }
}
