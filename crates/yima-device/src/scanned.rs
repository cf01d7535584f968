//! A label read from a QR code, checked against the keys this device knows.

use crate::error::DeviceError;
use crate::{Clock, Device};
use serde::Serialize;
use std::collections::HashMap;
use yima_codes::LabelCode;
use yima_core::{KeyId, LabelPayload, LabelVerdict, PayloadError, PublicKey, Timestamp};
use yima_protocol::ReportedSighting;

/// How old this organisation's last location fix may be to be a scan's place: 10 minutes.
pub const SIGHTING_FIX_MAX_AGE_MS: i64 = 10 * 60_000;

/// What a label's signature says, as far as this device can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelCheck {
    /// Signed by a producer key this device knows, over exactly the printed facts.
    Valid,
    /// The signature does not match the facts: forged or altered.
    Forged,
    /// The producer's key is not known here yet (sync, or a handover, brings it).
    KeyUnknown,
}

/// A Yima label read from a QR code.
#[derive(Clone, Debug, Serialize)]
pub struct CheckedLabel {
    /// The container's code.
    pub code: LabelCode,
    /// The declared quantity with its unit.
    pub quantity: String,
    /// The signature's verdict.
    pub check: LabelCheck,
}

/// Reads `text` as a label's QR text and checks its signature against `keys` (for a reader
/// with or without a device of its own: no keys, every label is `KeyUnknown`); why not, when
/// the text is not a readable Yima label.
pub fn check_label_with(
    keys: &HashMap<KeyId, PublicKey>,
    text: &str,
) -> Result<CheckedLabel, PayloadError> {
    let label = LabelPayload::parse(text)?;
    let check = match label.verify(|id| keys.get(id).copied()) {
        LabelVerdict::Valid { .. } => LabelCheck::Valid,
        LabelVerdict::Forged => LabelCheck::Forged,
        LabelVerdict::KeyUnknown { .. } => LabelCheck::KeyUnknown,
    };
    Ok(CheckedLabel {
        code: label.code().clone(),
        quantity: label.quantity().to_string(),
        check,
    })
}

impl<C: Clock> Device<C> {
    /// The keys labels are checked with here: this device's own, those learned in handovers
    /// and those synced from the registry, by id.
    pub fn label_keys(&mut self) -> Result<HashMap<KeyId, PublicKey>, DeviceError> {
        Ok(self
            .known_public_keys()?
            .into_iter()
            .map(|k| (KeyId::of(&k), k))
            .collect())
    }

    /// Reads `text` as a label's QR text and checks its signature against the keys this
    /// device knows; `None` when the text is not a Yima label at all. A label read is kept
    /// as a sighting (with this organisation's last location fix, when one is at most
    /// [`SIGHTING_FIX_MAX_AGE_MS`] old), sent to the registry at sync
    /// ([`Device::sightings_to_send`]).
    pub fn check_label(&mut self, text: &str) -> Result<Option<CheckedLabel>, DeviceError> {
        let keys = self.label_keys()?;
        let Ok(checked) = check_label_with(&keys, text) else {
            return Ok(None);
        };
        let now = self.clock.now();
        let seal = match checked.check {
            LabelCheck::Valid => "genuine",
            LabelCheck::Forged => "forged",
            LabelCheck::KeyUnknown => "unchecked",
        };
        self.store.write(|tx| -> Result<(), DeviceError> {
            let org = tx.require_device()?.org.credit_code;
            let since = Timestamp(now.0.saturating_sub(SIGHTING_FIX_MAX_AGE_MS));
            let place = tx
                .last_fix_since(&org, since)?
                .map(|f| (f.lat_e7, f.lon_e7, f.accuracy_m));
            tx.insert_sighting(checked.code.as_str(), now, place, seal)?;
            Ok(())
        })?;
        Ok(Some(checked))
    }

    /// Up to `limit` scans kept and not sent yet, as the registry takes them (each naming
    /// this device and its organisation), and the last one's place in the store, for
    /// [`Device::mark_sightings_sent`].
    pub fn sightings_to_send(
        &mut self,
        limit: u32,
    ) -> Result<(Vec<ReportedSighting>, Option<i64>), DeviceError> {
        self.store.read(|tx| {
            let me = tx.require_device()?;
            let rows = tx.sightings_to_send(limit)?;
            let last = rows.last().map(|r| r.seq);
            let out = rows
                .into_iter()
                .map(|r| ReportedSighting {
                    code: r.code,
                    at: r.at,
                    lat_e7: r.place.map(|p| p.0),
                    lon_e7: r.place.map(|p| p.1),
                    accuracy_m: r.place.and_then(|p| p.2),
                    org: me.org.credit_code.to_string(),
                    device: me.key.public(),
                    seal: r.seal,
                })
                .collect();
            Ok((out, last))
        })
    }

    /// Marks every scan up to `seq` (from [`Device::sightings_to_send`]) sent.
    pub fn mark_sightings_sent(&mut self, seq: i64) -> Result<(), DeviceError> {
        self.store.write(|tx| Ok(tx.mark_sightings_sent(seq)?))
    }
}
