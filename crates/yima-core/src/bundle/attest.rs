//! The registry's attestation of a bundle: its signature, by the registry's key, over
//! everything in the bundle no device signed (format, version, scope, exporter, every key
//! record) and the events as written (each event's whole line), so that a reader who pins
//! the registry's key knows the key records are the registry's and that no event line was
//! added or left out of what it exported (spec: `docs/EVIDENCE-BUNDLE.md`).
//!
//! What is signed is the byte string [`attestation_bytes`] makes: pure, defined here, of the
//! members' JSON texts exactly as they are written in the file.

use crate::signing::EventId;
use sha2::{Digest, Sha256};

/// Domain separator opening the byte string an attestation covers.
pub const BUNDLE_ATTESTATION_DOMAIN: &[u8] = b"yima/bundle-attestation/v1\0";

/// The members of a bundle its attestation covers, each as the JSON text written in the
/// file (the compact form `serde_json` writes: [`super::EvidenceBundle::to_text`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestedParts<'a> {
    /// `format`'s value (a JSON string, quotes included).
    pub format: &'a str,
    /// `version`'s value (a JSON number).
    pub version: &'a str,
    /// `scope`'s value (a JSON object).
    pub scope: &'a str,
    /// `exported_at`'s value (a JSON number).
    pub exported_at: &'a str,
    /// `exported_by`'s value (a JSON string, quotes included).
    pub exported_by: &'a str,
    /// Each key record, in the order of the file.
    pub keys: Vec<&'a str>,
    /// Each event's line (id, body, signatures), in the order of the file.
    pub events: Vec<&'a str>,
}

fn put(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The canonical byte string an attestation covers: [`BUNDLE_ATTESTATION_DOMAIN`], then the
/// format, version, scope, exported_at and exported_by texts, the number of key records and
/// each one, the number of events and each one; every text preceded by its length in bytes
/// and every number written as 8 bytes, big-endian (so no two bundles give the same bytes).
pub fn attestation_bytes(parts: &AttestedParts<'_>) -> Vec<u8> {
    let size: usize = parts
        .keys
        .iter()
        .chain(&parts.events)
        .map(|t| t.len() + 8)
        .sum();
    let mut out = Vec::with_capacity(BUNDLE_ATTESTATION_DOMAIN.len() + 64 + size);
    out.extend_from_slice(BUNDLE_ATTESTATION_DOMAIN);
    for t in [
        parts.format,
        parts.version,
        parts.scope,
        parts.exported_at,
        parts.exported_by,
    ] {
        put(&mut out, t);
    }
    for list in [&parts.keys, &parts.events] {
        out.extend_from_slice(&(list.len() as u64).to_be_bytes());
        for t in list {
            put(&mut out, t);
        }
    }
    out
}

/// The digest the registry signs (SHA-256 of [`attestation_bytes`]), signed as devices sign
/// an event id ([`crate::DeviceKey::sign`]).
pub fn attestation_digest(parts: &AttestedParts<'_>) -> EventId {
    EventId(Sha256::digest(attestation_bytes(parts)).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(keys: Vec<&'a str>, events: Vec<&'a str>) -> AttestedParts<'a> {
        AttestedParts {
            format: "\"yima-evidence-bundle\"",
            version: "2",
            scope: "{\"manifest\":\"1\"}",
            exported_at: "1",
            exported_by: "\"registry\"",
            keys,
            events,
        }
    }

    #[test]
    fn the_bytes_open_with_the_domain_and_do_not_run_items_together() {
        let a = attestation_bytes(&parts(vec!["ab", "c"], vec![]));
        assert!(a.starts_with(BUNDLE_ATTESTATION_DOMAIN));
        assert_ne!(a, attestation_bytes(&parts(vec!["a", "bc"], vec![])));
        // A key record moved into the events is another byte string.
        assert_ne!(a, attestation_bytes(&parts(vec!["ab"], vec!["c"])));
        assert_ne!(
            attestation_digest(&parts(vec![], vec!["e"])),
            attestation_digest(&parts(vec![], vec![]))
        );
    }
}
