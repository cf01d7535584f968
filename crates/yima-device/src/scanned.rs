//! A label read from a QR code, checked against the keys this device knows.

use crate::error::DeviceError;
use crate::{Clock, Device};
use serde::Serialize;
use std::collections::HashMap;
use yima_codes::LabelCode;
use yima_core::{KeyId, LabelPayload, LabelVerdict, PayloadError, PublicKey};

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
    /// device knows; `None` when the text is not a Yima label at all.
    pub fn check_label(&mut self, text: &str) -> Result<Option<CheckedLabel>, DeviceError> {
        let keys = self.label_keys()?;
        Ok(check_label_with(&keys, text).ok())
    }
}
