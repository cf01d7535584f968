//! The canonical byte encoding of an event body (specified in `docs/EVENT-ENCODING.md`).
//!
//! Compact JSON: struct fields in declaration order, enum variants as an object whose first
//! field is `"type"`, absent options as `null`, integers only, strings escaped as RFC 8259
//! requires and nothing more (non-ASCII stays raw UTF-8). Decoding accepts only those exact
//! bytes, so one body has exactly one encoding and one id.
//!
//! Decoding reads the bytes with a reader that accepts every token only in its canonical
//! spelling (`body.rs`, `reader.rs`): what it accepts encodes back to the same bytes. Bytes
//! it refuses go through the general path, serde_json then a re-encode and compare, which
//! says what is wrong with them (malformed, not canonical, another version).

mod body;
mod reader;
#[cfg(test)]
mod tests;

use crate::event::{EventBody, SignedEvent, EVENT_FORMAT_VERSION};
use crate::signing::{DeviceKey, EventId, Signature};

/// Bytes that are not a canonical event body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// Not a well-formed event body.
    #[error("not an event body: {0}")]
    Malformed(String),
    /// A body, but not in its canonical form.
    #[error("event body is not in canonical form")]
    NotCanonical,
    /// A format version this build does not know.
    #[error("event format version {0} is not supported (this build reads version {EVENT_FORMAT_VERSION})")]
    UnsupportedVersion(u32),
}

/// The canonical bytes of a body.
pub fn encode(body: &EventBody) -> Vec<u8> {
    // Room for a typical body (0.5–1 KB) at once, instead of regrowing from 128 bytes.
    let mut out = Vec::with_capacity(1024);
    serde_json::to_writer(&mut out, body).expect("event bodies always serialise");
    out
}

/// Parses canonical bytes, refusing any other encoding of the same body.
pub fn decode(bytes: &[u8]) -> Result<EventBody, EncodingError> {
    match body::read_body(bytes) {
        Some(body) => {
            debug_assert_eq!(
                encode(&body),
                bytes,
                "the canonical reader accepted other bytes"
            );
            Ok(body)
        }
        None => {
            let refused = decode_general(bytes);
            debug_assert!(
                refused.is_err(),
                "the canonical reader refused canonical bytes: {}",
                String::from_utf8_lossy(bytes)
            );
            refused
        }
    }
}

/// serde_json, then a re-encode compared with the input: slower, and says why bytes fail.
fn decode_general(bytes: &[u8]) -> Result<EventBody, EncodingError> {
    let body: EventBody =
        serde_json::from_slice(bytes).map_err(|e| EncodingError::Malformed(e.to_string()))?;
    if body.v != EVENT_FORMAT_VERSION {
        return Err(EncodingError::UnsupportedVersion(body.v));
    }
    // Re-encode into a buffer of the input's size (no regrowing on the way), then compare.
    let mut again = Vec::with_capacity(bytes.len());
    serde_json::to_writer(&mut again, &body).expect("event bodies always serialise");
    if again != bytes {
        return Err(EncodingError::NotCanonical);
    }
    Ok(body)
}

impl SignedEvent {
    /// Encodes and hashes a body and signs it with `key`.
    pub fn seal(body: EventBody, key: &DeviceKey) -> SignedEvent {
        let canonical = encode(&body);
        let id = EventId::of_canonical(&canonical);
        let signatures = vec![key.sign(&id)];
        SignedEvent {
            id,
            canonical,
            body,
            signatures,
        }
    }

    /// Encodes and hashes a body without signing it (a handover offer before countersigning).
    pub fn unsigned(body: EventBody) -> SignedEvent {
        let canonical = encode(&body);
        let id = EventId::of_canonical(&canonical);
        SignedEvent {
            id,
            canonical,
            body,
            signatures: Vec::new(),
        }
    }

    /// Adds `key`'s signature (the other party of a handover).
    pub fn countersign(&mut self, key: &DeviceKey) {
        let sig = key.sign(&self.id);
        if !self.signatures.iter().any(|s| s.key == sig.key) {
            self.signatures.push(sig);
        }
    }

    /// Rebuilds an event from stored parts, checking the bytes are canonical. The id is
    /// taken as stored: [`crate::verify`] checks it against the bytes.
    pub fn from_parts(
        id: EventId,
        canonical: Vec<u8>,
        signatures: Vec<Signature>,
    ) -> Result<SignedEvent, EncodingError> {
        let body = decode(&canonical)?;
        Ok(SignedEvent {
            id,
            canonical,
            body,
            signatures,
        })
    }
}
