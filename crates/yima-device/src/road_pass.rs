//! Road control (`docs/ROAD-PASS.md`): a carrier's device shows a signed, time-limited QR
//! of what it carries under one manifest (`Device::road_pass`); an inspector reads it
//! offline, with a device (`Device::read_road_pass`, which knows keys) or without one
//! (`read_road_pass`), or asks the registry (`yima-sync`'s `check_road_pass`).

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::track::loads_in_transit;
use crate::Device;
use serde::Serialize;
use yima_codes::{Catalogue, Lang, ManifestNumber};
use yima_core::{
    format_milli, RoadPass, RoadPassError, Role, Timestamp, ROAD_PASS_DEFAULT_MINUTES,
};
use yima_store::KnownKey;

pub(crate) fn pass_error(e: RoadPassError) -> DeviceError {
    let kind = match e {
        RoadPassError::NoContainers
        | RoadPassError::NotInTransit { .. }
        | RoadPassError::NotCarried { .. }
        | RoadPassError::OtherManifest { .. } => ErrorKind::NotInTransit,
        RoadPassError::NotCarrier => ErrorKind::Forbidden,
        RoadPassError::Validity { .. } | RoadPassError::TooLarge { .. } => ErrorKind::BadInput,
        RoadPassError::NotRoadPass { .. }
        | RoadPassError::Malformed { .. }
        | RoadPassError::Forged
        | RoadPassError::Expired { .. }
        | RoadPassError::NotYetValid { .. } => ErrorKind::BadRoadPass,
    };
    DeviceError::bilingual(kind, e.message(Lang::En), e.message(Lang::Zh))
}

/// A pass made to show.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoadPassShown {
    /// The QR text.
    pub text: String,
    /// The manifest.
    pub manifest: String,
    /// How many containers it shows.
    pub containers: u32,
    /// When it was made (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub issued_at: i64,
    /// When it stops being valid (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at: i64,
}

/// How the key that signed a pass stands with the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PassKey {
    /// A device of the carrier the pass names, as this device's key directory has it: the
    /// pass is the carrier's word.
    Known,
    /// Not in the reader's key directory (or the reader has none): the signature matches
    /// the content, but whose key it is only the registry can say.
    Unknown,
}

/// One container as a pass shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoadPassLine {
    /// The container's 37-character code.
    pub code: String,
    /// Its waste code (`HW08 900-249-08` style).
    pub waste_code: String,
    /// The waste's description in the national catalogue (empty if not found).
    pub waste_name: String,
    /// The quantity the carrier holds, e.g. `25 kg`.
    pub quantity: String,
}

/// What a pass shows, read and checked offline.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoadPassView {
    /// The manifest.
    pub manifest: String,
    /// The sender's credit code.
    pub sender: String,
    /// The receiver's credit code.
    pub receiver: String,
    /// The carrier's credit code.
    pub carrier: String,
    /// The carrier's name, when the reader knows its key.
    pub carrier_name: Option<String>,
    /// The vehicle's plate (may be empty).
    pub vehicle_plate: String,
    /// When the carrier's custody began (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub in_transit_since: i64,
    /// When the pass was made (ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub issued_at: i64,
    /// When it stops being valid (ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at: i64,
    /// The signing key's short id.
    pub key_id: String,
    /// How that key stands with the reader.
    pub key: PassKey,
    /// The containers, by code.
    pub lines: Vec<RoadPassLine>,
}

/// Reads and checks a pass at `now` with the reader's `known` keys (none for a reader
/// without a device): refused when damaged, altered, expired or early ([`ErrorKind::
/// BadRoadPass`]), and when its key is one the reader knows as revoked, of another
/// organisation than the carrier it names, or of an organisation that is not a carrier.
pub(crate) fn read_with_keys(
    text: &str,
    now: Timestamp,
    known: &[KnownKey],
) -> Result<RoadPassView, DeviceError> {
    let pass = RoadPass::parse(text.trim()).map_err(pass_error)?;
    pass.check(now).map_err(pass_error)?;
    let entry = known.iter().find(|k| k.key == pass.carrier.key);
    let key = match entry {
        None => PassKey::Unknown,
        Some(k) if k.revoked_at.is_some_and(|at| at <= pass.issued_at) => {
            return Err(refused(
                "the road pass is signed by a revoked key",
                "路检通行码由已吊销的密钥签名",
            ))
        }
        Some(k) if k.org != pass.carrier.org || !k.roles.contains(&Role::Carrier) => {
            return Err(refused(
                "the road pass names a carrier its key does not belong to",
                "路检通行码所列承运人与签名密钥不符",
            ))
        }
        Some(_) => PassKey::Known,
    };
    let catalogue = Catalogue::latest();
    let lines = pass
        .containers
        .iter()
        .map(|c| {
            let waste = c.code.waste_code();
            RoadPassLine {
                code: c.code.to_string(),
                waste_code: waste.to_string(),
                waste_name: catalogue
                    .get(waste)
                    .map(|e| e.description.clone())
                    .unwrap_or_default(),
                quantity: format!(
                    "{} {}",
                    format_milli(c.quantity.milli),
                    c.quantity.unit.symbol()
                ),
            }
        })
        .collect();
    Ok(RoadPassView {
        manifest: pass.manifest.to_string(),
        sender: pass.sender.to_string(),
        receiver: pass.receiver.to_string(),
        carrier: pass.carrier.org.to_string(),
        carrier_name: entry.map(|k| k.org_name.clone()),
        vehicle_plate: pass.vehicle_plate.clone(),
        in_transit_since: pass.in_transit_since.0,
        issued_at: pass.issued_at.0,
        expires_at: pass.expires_at.0,
        key_id: pass.carrier.key.short(),
        key,
        lines,
    })
}

fn refused(en: &str, zh: &str) -> DeviceError {
    DeviceError::bilingual(ErrorKind::BadRoadPass, en, zh)
}

/// Reads and checks a pass at `now` with no device (an inspector without an account): the
/// key is [`PassKey::Unknown`] unless the registry is asked.
pub fn read_road_pass(text: &str, now: Timestamp) -> Result<RoadPassView, DeviceError> {
    read_with_keys(text, now, &[])
}

impl<C: Clock> Device<C> {
    /// A road pass for what this device's organisation carries in transit under
    /// `manifest`, valid for `minutes` (default [`ROAD_PASS_DEFAULT_MINUTES`]) from now.
    /// Only a carrier's device makes one, only while it holds containers picked up under
    /// that manifest ([`ErrorKind::NotInTransit`] otherwise). Nothing is stored.
    pub fn road_pass(
        &mut self,
        manifest: &ManifestNumber,
        minutes: Option<i64>,
    ) -> Result<RoadPassShown, DeviceError> {
        let now = self.clock.now();
        let minutes = minutes.unwrap_or(ROAD_PASS_DEFAULT_MINUTES);
        let (device, load, plate) = self.store.read(|tx| {
            let device = tx.require_device()?;
            let mut loads = loads_in_transit(tx, &device.org.credit_code)?;
            let load = loads.remove(manifest).unwrap_or_default();
            let plate = match load.first() {
                Some(s) => plate_of(tx, &s.label.code)?,
                None => String::new(),
            };
            Ok::<_, DeviceError>((device, load, plate))
        })?;
        if device.role != Role::Carrier {
            return Err(pass_error(RoadPassError::NotCarrier));
        }
        if load.is_empty() {
            return Err(DeviceError::bilingual(
                ErrorKind::NotInTransit,
                format!("this device's organisation carries nothing in transit under manifest {manifest}: no road pass"),
                format!("本单位没有联单 {manifest} 下运输中的容器：无法出示路检通行码"),
            ));
        }
        let actor = crate::identity::IdentityCard::of(&device).actor();
        let pass = RoadPass::for_transport(&load, actor, &plate, now, minutes, &device.key)
            .map_err(pass_error)?;
        Ok(RoadPassShown {
            text: pass.to_text(),
            manifest: pass.manifest.to_string(),
            containers: pass.containers.len() as u32,
            issued_at: pass.issued_at.0,
            expires_at: pass.expires_at.0,
        })
    }

    /// Reads and checks a pass offline with this device's key directory (see
    /// [`read_road_pass`]).
    pub fn read_road_pass(&mut self, text: &str) -> Result<RoadPassView, DeviceError> {
        let now = self.clock.now();
        let known = self
            .store
            .read(|tx| Ok::<_, DeviceError>(tx.known_keys()?))?;
        read_with_keys(text, now, &known)
    }
}

/// The vehicle plate of the handover that gave `code` to its carrier (the last pickup or
/// relay in its chain).
fn plate_of(tx: &yima_store::Tx<'_>, code: &yima_codes::LabelCode) -> Result<String, DeviceError> {
    let events = crate::stored::container_events(tx, code)?;
    Ok(events
        .iter()
        .rev()
        .find_map(|e| match &e.body.event {
            yima_core::EventKind::PickedUp { vehicle_plate, .. }
            | yima_core::EventKind::RelayHandover { vehicle_plate, .. } => {
                Some(vehicle_plate.clone())
            }
            _ => None,
        })
        .unwrap_or_default())
}
