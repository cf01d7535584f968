//! The evidence bundle: the signed events of a container or a manifest, with the keys that
//! signed them and what the exporter knows of each key (organisation, roles, enrolment,
//! revocation), in one file anyone verifies offline (spec: `docs/EVIDENCE-BUNDLE.md`).
//!
//! Each event travels as it is stored and pushed ([`WireEvent`]: id, canonical body,
//! signatures), one per line, so that an error reading the file names the event it is in.
//! The registry's bundles are attested: signed by the registry's key over everything in them
//! no device signed ([`attest`]).

mod attest;
mod check;
mod scope;

pub use attest::{attestation_bytes, attestation_digest, AttestedParts, BUNDLE_ATTESTATION_DOMAIN};
pub use check::{
    verify_bundle, verify_bundle_with, BundleError, BundleFailure, BundleFailureKind, BundleReport,
    KeyRecordsRestOn, Place,
};
pub use scope::containers_in_scope;

use crate::model::Timestamp;
use crate::role::Role;
use crate::signing::{DeviceKey, PublicKey, Signature};
use crate::wire::WireEvent;
use serde::{Deserialize, Serialize};
use yima_codes::{CreditCode, LabelCode, ManifestNumber};

/// The `format` member every bundle opens with.
pub const BUNDLE_FORMAT: &str = "yima-evidence-bundle";
/// The version of an unattested bundle (a device's own export; what every bundle was before
/// attestations).
pub const BUNDLE_VERSION: u32 = 1;
/// The version of an attested bundle: version 1's members and the registry's `attestation`.
pub const ATTESTED_BUNDLE_VERSION: u32 = 2;

/// What a bundle is the evidence of.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleScope {
    /// One container: its chain and the chains of its lineage (merges, splits).
    Container(LabelCode),
    /// The containers that travelled under one transfer manifest (named by its dispatch,
    /// pickup, relay, receipt or a refused part's return), each with its lineage.
    Manifest(ManifestNumber),
}

impl std::fmt::Display for BundleScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleScope::Container(c) => write!(f, "container {c}"),
            BundleScope::Manifest(m) => write!(f, "manifest {m}"),
        }
    }
}

/// Where the exporter learned a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum KeyOrigin {
    /// The registry's key directory (enrolment with a single-use code from the
    /// organisation's admin device or its regulator, revocation by them).
    Registry,
    /// The exporting device's own key.
    Own,
    /// A handover with the key's device (its identity card, signed offer or acknowledgement).
    Handover,
    /// Added by hand on the exporting device.
    Manual,
}

/// A key as the exporter knows it: whose it is, in which roles, since and until when.
/// Signed by the registry in an attested bundle; otherwise the exporter's word (see
/// `docs/EVIDENCE-BUNDLE.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyRecord {
    /// The device's public key.
    pub key: PublicKey,
    /// The organisation it belongs to.
    pub org: CreditCode,
    /// The organisation's name.
    pub org_name: String,
    /// The roles it signs in (for a key the registry enrolled: the one role of the device).
    pub roles: Vec<Role>,
    /// When the registry enrolled it; absent when the exporter does not know.
    pub enrolled_at: Option<Timestamp>,
    /// When it was revoked: events at or after this moment fail.
    pub revoked_at: Option<Timestamp>,
    /// Where the exporter learned it.
    pub origin: KeyOrigin,
}

/// An evidence bundle, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceBundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// [`BUNDLE_VERSION`], or [`ATTESTED_BUNDLE_VERSION`] when attested.
    pub version: u32,
    /// What it is the evidence of.
    pub scope: BundleScope,
    /// When it was exported (the exporter's clock; signed only in an attested bundle).
    pub exported_at: Timestamp,
    /// Who exported it, for people (signed only in an attested bundle): the registry, or a
    /// device and its organisation.
    pub exported_by: String,
    /// The registry's signature over the rest ([`attestation_bytes`]); none in a bundle of
    /// version 1 (a device's own export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Signature>,
    /// Every key that signed an event of the bundle, with what the exporter knows of it.
    pub keys: Vec<KeyRecord>,
    /// The events, as they are stored and travel, in the order the exporter holds them.
    pub events: Vec<WireEvent>,
}

impl EvidenceBundle {
    /// A bundle of `events` in `scope` with the records of their keys.
    pub fn new(
        scope: BundleScope,
        exported_at: Timestamp,
        exported_by: String,
        keys: Vec<KeyRecord>,
        events: Vec<WireEvent>,
    ) -> EvidenceBundle {
        EvidenceBundle {
            format: BUNDLE_FORMAT.to_string(),
            version: BUNDLE_VERSION,
            scope,
            exported_at,
            exported_by,
            attestation: None,
            keys,
            events,
        }
    }

    /// The bundle attested by `registry`: version [`ATTESTED_BUNDLE_VERSION`], signed over
    /// its format, version, scope, exporter, key records and events as [`Self::to_text`]
    /// writes them.
    pub fn attest(mut self, registry: &DeviceKey) -> EvidenceBundle {
        self.version = ATTESTED_BUNDLE_VERSION;
        self.attestation = None;
        let texts = self.texts();
        let digest = attestation_digest(&texts.parts());
        self.attestation = Some(registry.sign(&digest));
        self
    }

    /// Each member as the file writes it.
    fn texts(&self) -> Texts {
        Texts {
            format: json(self.format.as_str()),
            version: self.version.to_string(),
            scope: json(&self.scope),
            exported_at: self.exported_at.0.to_string(),
            exported_by: json(self.exported_by.as_str()),
            keys: self.keys.iter().map(json).collect(),
            events: self.events.iter().map(json).collect(),
        }
    }

    /// The file's text: a JSON object whose header is on its first line, then each key
    /// and each event on a line of its own, in the compact form `serde_json` writes (the
    /// form a reader checks each event against).
    pub fn to_text(&self) -> String {
        let t = self.texts();
        let mut out = String::new();
        out.push_str(&format!(
            "{{\"format\":{},\"version\":{},\"scope\":{},\"exported_at\":{},\"exported_by\":{},",
            t.format, t.version, t.scope, t.exported_at, t.exported_by,
        ));
        if let Some(a) = &self.attestation {
            out.push_str(&format!("\"attestation\":{},", json(a)));
        }
        out.push_str("\n\"keys\":[\n");
        push_lines(&mut out, t.keys.into_iter());
        out.push_str("],\n\"events\":[\n");
        push_lines(&mut out, t.events.into_iter());
        out.push_str("]}\n");
        out
    }
}

/// A bundle's members as written.
struct Texts {
    format: String,
    version: String,
    scope: String,
    exported_at: String,
    exported_by: String,
    keys: Vec<String>,
    events: Vec<String>,
}

impl Texts {
    fn parts(&self) -> AttestedParts<'_> {
        AttestedParts {
            format: &self.format,
            version: &self.version,
            scope: &self.scope,
            exported_at: &self.exported_at,
            exported_by: &self.exported_by,
            keys: self.keys.iter().map(String::as_str).collect(),
            events: self.events.iter().map(String::as_str).collect(),
        }
    }
}

fn push_lines(out: &mut String, lines: impl Iterator<Item = String>) {
    let mut first = true;
    for line in lines {
        if !first {
            out.push_str(",\n");
        }
        first = false;
        out.push_str(&line);
    }
    if !first {
        out.push('\n');
    }
}

/// A member as compact JSON (every member of a bundle serialises).
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("bundle members serialise")
}
