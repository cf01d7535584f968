//! Device keys (Ed25519), event ids (SHA-256) and the signatures over them.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Domain separator hashed before an event's canonical bytes.
pub const EVENT_ID_DOMAIN: &[u8] = b"yima/event/v1\0";
/// Domain separator signed before an event id.
pub const SIGNATURE_DOMAIN: &[u8] = b"yima/signature/v1\0";

/// A malformed key, id or signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not hex of the right length.
    #[error("{what} must be {bytes} bytes of hex, found {found:?}")]
    BadHex {
        /// What was being read.
        what: &'static str,
        /// Expected length in bytes.
        bytes: usize,
        /// The text found (shortened).
        found: String,
    },
    /// 32 bytes that are not an Ed25519 public key.
    #[error("not an Ed25519 public key: {0}")]
    NotAKey(String),
}

fn decode_hex<const N: usize>(what: &'static str, s: &str) -> Result<[u8; N], KeyError> {
    let bad = || KeyError::BadHex {
        what,
        bytes: N,
        found: s.chars().take(80).collect(),
    };
    // Straight into the array: ids and keys are read for every stored row.
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).map_err(|_| bad())?;
    Ok(out)
}

macro_rules! hex_serde {
    ($t:ty, $what:literal, $n:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut text = [0u8; 2 * $n];
                hex::encode_to_slice(self.as_bytes(), &mut text).map_err(|_| fmt::Error)?;
                f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// The SHA-256 of an event's canonical encoding: the event's identity.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub [u8; 32]);

impl EventId {
    /// Hashes canonical event bytes into their id.
    pub fn of_canonical(bytes: &[u8]) -> EventId {
        let mut h = Sha256::new();
        h.update(EVENT_ID_DOMAIN);
        h.update(bytes);
        EventId(h.finalize().into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 12 hex characters, for people.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }
}

impl FromStr for EventId {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        decode_hex("event id", s).map(EventId)
    }
}
hex_serde!(EventId, "event id", 32);

/// A device's Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 16 hex characters, for people.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }

    fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        VerifyingKey::from_bytes(&self.0).map_err(|e| KeyError::NotAKey(e.to_string()))
    }

    /// Whether `signature` is this key's signature over the event `id`.
    pub fn verify(&self, id: &EventId, signature: &SignatureBytes) -> bool {
        let Ok(key) = self.verifying_key() else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify(&signed_message(id), &sig).is_ok()
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        decode_hex("public key", s).map(PublicKey)
    }
}
hex_serde!(PublicKey, "public key", 32);

/// A 64-byte Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureBytes(pub [u8; 64]);

impl SignatureBytes {
    /// The raw 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl FromStr for SignatureBytes {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        decode_hex("signature", s).map(SignatureBytes)
    }
}
hex_serde!(SignatureBytes, "signature", 64);

/// One party's signature over an event id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signature {
    /// The signing device's public key.
    pub key: PublicKey,
    /// The signature.
    pub sig: SignatureBytes,
}

fn signed_message(id: &EventId) -> [u8; 50] {
    let mut m = [0u8; 50];
    m[..SIGNATURE_DOMAIN.len()].copy_from_slice(SIGNATURE_DOMAIN);
    m[SIGNATURE_DOMAIN.len()..].copy_from_slice(&id.0);
    m
}

/// A device's secret signing key.
#[derive(Clone)]
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// A new random key from the operating system's generator.
    pub fn generate<R: rand_core::CryptoRngCore + ?Sized>(rng: &mut R) -> DeviceKey {
        DeviceKey(SigningKey::generate(rng))
    }

    /// The key from its 32 secret bytes.
    pub fn from_secret(bytes: &[u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(bytes))
    }

    /// The 32 secret bytes (to store on the device).
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs an event id.
    pub fn sign(&self, id: &EventId) -> Signature {
        Signature {
            key: self.public(),
            sig: SignatureBytes(self.0.sign(&signed_message(id)).to_bytes()),
        }
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceKey(public {})", self.public())
    }
}

/// Verifies many signatures at once; `false` if any one fails (then check them one by one).
pub fn verify_batch(items: &[(EventId, Signature)]) -> bool {
    let messages: Vec<[u8; 50]> = items.iter().map(|(id, _)| signed_message(id)).collect();
    let msg_refs: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let sigs: Vec<ed25519_dalek::Signature> = items
        .iter()
        .map(|(_, s)| ed25519_dalek::Signature::from_bytes(&s.sig.0))
        .collect();
    // A push is mostly signed by one or two keys: decompress each key once, not per event.
    let mut decompressed: std::collections::HashMap<PublicKey, VerifyingKey> =
        std::collections::HashMap::new();
    let mut keys = Vec::with_capacity(items.len());
    for (_, s) in items {
        let k = match decompressed.get(&s.key) {
            Some(k) => *k,
            None => match s.key.verifying_key() {
                Ok(k) => *decompressed.entry(s.key).or_insert(k),
                Err(_) => return false,
            },
        };
        keys.push(k);
    }
    ed25519_dalek::verify_batch(&msg_refs, &sigs, &keys).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_round_trip() {
        let key = DeviceKey::from_secret(&[7u8; 32]);
        let id = EventId::of_canonical(b"{}");
        let s = key.sign(&id);
        assert!(s.key.verify(&id, &s.sig));
        let other = EventId::of_canonical(b"{ }");
        assert!(!s.key.verify(&other, &s.sig));
        assert!(verify_batch(&[(id, s)]));
        assert!(!verify_batch(&[(id, s), (other, s)]));
    }

    #[test]
    fn hex_forms_round_trip() {
        let key = DeviceKey::from_secret(&[1u8; 32]).public();
        assert_eq!(key.to_string().parse::<PublicKey>().unwrap(), key);
        assert!("abc".parse::<PublicKey>().is_err());
        let id = EventId([9; 32]);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            format!("\"{}\"", "09".repeat(32))
        );
    }
}
