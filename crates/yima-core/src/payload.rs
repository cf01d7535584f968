//! The text in a label's QR code: the container's 37-character code, its declared quantity,
//! and the producer device's signature over the label's key facts (spec and test vectors:
//! `docs/LABEL-PAYLOAD.md`).
//!
//! ```
//! use yima_core::{DeviceKey, LabelPayload, LabelVerdict, PayloadError, Quantity, Unit};
//!
//! let key = DeviceKey::from_secret(&[7; 32]);
//! let code = "91350100M000100Y439000414920240301001".parse()?;
//! let payload = LabelPayload::sign(&code, Quantity::new(25_000, Unit::Kg)?, &key);
//! let text = payload.to_text();
//! assert!(text.starts_with("YIMA1:91350100M000100Y439000414920240301001:25KG:"));
//!
//! // An inspector's device reads it back and checks it against the keys it has synced.
//! let read = LabelPayload::parse(&text)?;
//! let known = key.public();
//! assert!(matches!(read.verify(|_| Some(known)), LabelVerdict::Valid { .. }));
//! assert!(matches!(read.verify(|_| None), LabelVerdict::KeyUnknown { .. }));
//!
//! // The weight altered on the label: the signature no longer matches.
//! let altered = LabelPayload::parse(&text.replace(":25KG:", ":20KG:"))?;
//! assert_eq!(altered.verify(|_| Some(known)), LabelVerdict::Forged);
//!
//! // Any other QR code is "not a Yima label", with its text.
//! let other = LabelPayload::parse("https://example.com").unwrap_err();
//! assert_eq!(other, PayloadError::NotYima("https://example.com".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::base45;
use crate::quantity::{format_milli, parse_milli, Quantity, Unit};
use crate::signing::{DeviceKey, PublicKey, SignatureBytes};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use yima_codes::{LabelCode, Lang};

/// What every Yima label payload starts with, before its version number and a colon.
pub const LABEL_PAYLOAD_MAGIC: &str = "YIMA";
/// The version of the text form `YIMA<n>:` this code writes and reads (version 2 is the URL
/// form, [`LabelPayload::to_url`], which has no `YIMA2:` spelling).
pub const LABEL_PAYLOAD_VERSION: u32 = 1;
/// Domain separator at the start of the bytes a label signature covers.
pub const LABEL_SIGNATURE_DOMAIN: &[u8] = b"yima/label/v1\0";

/// Length in bytes of the message a label signature covers ([`LabelPayload::signed_bytes`]).
pub const LABEL_SIGNED_LEN: usize = 14 + 37 + 18 + 8 + 8 + 8 + 1 + 8;

/// A device key's short identifier on labels: the first 8 bytes of SHA-256 of the public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    /// The id of `key`.
    pub fn of(key: &PublicKey) -> KeyId {
        let digest = Sha256::digest(key.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Which part of a Yima payload is damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadPart {
    /// Not `YIMA1:` + code + `:` + quantity + `:` + signature.
    Layout,
    /// The 37-character code.
    Code,
    /// The quantity and unit.
    Quantity,
    /// The key id and signature (Base45).
    Signature,
    /// Every part reads, but not in the one canonical spelling (e.g. `025KG`).
    NotCanonical,
    /// The registry host of a version-2 address.
    Host,
}

impl PayloadPart {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (PayloadPart::Layout, Lang::Zh) => "结构不符",
            (PayloadPart::Code, Lang::Zh) => "数字识别码无效",
            (PayloadPart::Quantity, Lang::Zh) => "重量无效",
            (PayloadPart::Signature, Lang::Zh) => "签名部分无效",
            (PayloadPart::NotCanonical, Lang::Zh) => "写法不规范",
            (PayloadPart::Host, Lang::Zh) => "登记中心地址无效",
            (PayloadPart::Layout, Lang::En) => "wrong layout",
            (PayloadPart::Code, Lang::En) => "invalid identification code",
            (PayloadPart::Quantity, Lang::En) => "invalid quantity",
            (PayloadPart::Signature, Lang::En) => "invalid signature part",
            (PayloadPart::NotCanonical, Lang::En) => "not in canonical form",
            (PayloadPart::Host, Lang::En) => "invalid registry host",
        }
    }
}

/// What kind of text a QR code held, when it is not a readable Yima payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadErrorKind {
    /// Not a Yima label at all (a URL, any other text).
    NotYima,
    /// A Yima payload of a version this code does not read.
    UnsupportedVersion,
    /// A Yima payload that is damaged or altered so that it no longer reads.
    Malformed,
}

/// Why a QR code's text is not a readable Yima label payload. Never fatal to a scan run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not a Yima label; carries the text as scanned.
    #[error("not a Yima label: {0:?}")]
    NotYima(String),
    /// A Yima label of another payload version.
    #[error("Yima label payload version {version} is not supported by this version of Yima")]
    UnsupportedVersion {
        /// The version the text names.
        version: String,
        /// The text as scanned.
        text: String,
    },
    /// A Yima label payload that does not read.
    #[error("damaged Yima label payload ({}): {text:?}", part.name(Lang::En))]
    Malformed {
        /// The damaged part.
        part: PayloadPart,
        /// The text as scanned.
        text: String,
    },
}

impl PayloadError {
    /// The kind, to act on.
    pub fn kind(&self) -> PayloadErrorKind {
        match self {
            PayloadError::NotYima(_) => PayloadErrorKind::NotYima,
            PayloadError::UnsupportedVersion { .. } => PayloadErrorKind::UnsupportedVersion,
            PayloadError::Malformed { .. } => PayloadErrorKind::Malformed,
        }
    }

    /// The text as scanned.
    pub fn text(&self) -> &str {
        match self {
            PayloadError::NotYima(text)
            | PayloadError::UnsupportedVersion { text, .. }
            | PayloadError::Malformed { text, .. } => text,
        }
    }

    /// The message for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PayloadError::NotYima(t), Lang::Zh) => format!("不是一码标签：{t:?}"),
            (PayloadError::UnsupportedVersion { version, .. }, Lang::Zh) => {
                format!("本软件不支持第 {version} 版一码标签，请升级")
            }
            (PayloadError::Malformed { part, text }, Lang::Zh) => {
                format!("一码标签内容损坏（{}）：{text:?}", part.name(lang))
            }
            (_, Lang::En) => self.to_string(),
        }
    }
}

/// The result of checking a label's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum LabelVerdict {
    /// Signed by this known device key over exactly these facts.
    Valid {
        /// The producer device's key.
        key: PublicKey,
    },
    /// The signature does not match the facts: forged, or altered after signing.
    Forged,
    /// No known key has this id: the signature cannot be checked yet (sync the keys).
    KeyUnknown {
        /// The key id the label names.
        key_id: KeyId,
    },
}

impl LabelVerdict {
    /// The verdict for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LabelVerdict::Valid { .. }, Lang::Zh) => "签名有效",
            (LabelVerdict::Forged, Lang::Zh) => "伪造或被篡改的标签：签名与内容不符",
            (LabelVerdict::KeyUnknown { .. }, Lang::Zh) => "暂无法核验签名：尚未同步此设备的密钥",
            (LabelVerdict::Valid { .. }, Lang::En) => "signature valid",
            (LabelVerdict::Forged, Lang::En) => {
                "forged or altered label: the signature does not match its content"
            }
            (LabelVerdict::KeyUnknown { .. }, Lang::En) => {
                "signature not checkable yet: this device's key has not been synced"
            }
        }
    }
}

/// A label's QR payload: code, declared quantity, producer key id and signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelPayload {
    code: LabelCode,
    quantity: Quantity,
    key_id: KeyId,
    signature: SignatureBytes,
}

fn unit_text(unit: Unit) -> &'static str {
    match unit {
        Unit::Kg => "KG",
        Unit::T => "T",
        Unit::L => "L",
    }
}

impl LabelPayload {
    /// Signs the label facts of container `code` holding `quantity` with the producer
    /// device's key. `quantity` must be valid (as from [`Quantity::new`]); a payload of an
    /// invalid one would not parse back.
    pub fn sign(code: &LabelCode, quantity: Quantity, key: &DeviceKey) -> LabelPayload {
        let mut payload = LabelPayload {
            code: code.clone(),
            quantity,
            key_id: KeyId::of(&key.public()),
            signature: SignatureBytes([0; 64]),
        };
        let signing = SigningKey::from_bytes(&key.secret_bytes());
        payload.signature = SignatureBytes(signing.sign(&payload.signed_bytes()).to_bytes());
        payload
    }

    /// The container's 37-character code (with its producer, waste code and date).
    pub fn code(&self) -> &LabelCode {
        &self.code
    }

    /// The declared quantity.
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The id of the key that signed it.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The signature.
    pub fn signature(&self) -> &SignatureBytes {
        &self.signature
    }

    /// The exact bytes the signature covers (fixed length [`LABEL_SIGNED_LEN`]): the domain
    /// separator, the code, producer credit code, waste code digits and date `YYYYMMDD` (all
    /// ASCII), the quantity in thousandths (i64 big-endian), the unit (`K`, `T` or `L`) and
    /// the key id.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(LABEL_SIGNED_LEN);
        m.extend_from_slice(LABEL_SIGNATURE_DOMAIN);
        m.extend_from_slice(self.code.as_str().as_bytes());
        m.extend_from_slice(self.code.producer().as_str().as_bytes());
        m.extend_from_slice(self.code.waste_code().digits().as_bytes());
        m.extend_from_slice(self.code.date().format("%Y%m%d").to_string().as_bytes());
        m.extend_from_slice(&self.quantity.milli.to_be_bytes());
        m.push(unit_text(self.quantity.unit).as_bytes()[0]);
        m.extend_from_slice(&self.key_id.0);
        m
    }

    /// The payload text: `YIMA1:<code>:<amount><unit>:<Base45 of key id and signature>`,
    /// only characters of QR alphanumeric mode.
    pub fn to_text(&self) -> String {
        let mut binary = Vec::with_capacity(72);
        binary.extend_from_slice(&self.key_id.0);
        binary.extend_from_slice(&self.signature.0);
        format!(
            "{LABEL_PAYLOAD_MAGIC}{LABEL_PAYLOAD_VERSION}:{}:{}{}:{}",
            self.code,
            format_milli(self.quantity.milli),
            unit_text(self.quantity.unit),
            base45::encode(&binary)
        )
    }

    /// Reads a QR code's text, in either form. Text that is not a Yima payload is
    /// [`PayloadError::NotYima`]; a Yima payload is read only in its one canonical spelling
    /// (the URL form in any case, as phones and scanners may lower it). Never panics.
    pub fn parse(text: &str) -> Result<LabelPayload, PayloadError> {
        LabelPayload::read(text).map(|(payload, _)| payload)
    }

    /// Reads a QR code's text as [`LabelPayload::parse`] does, with the form it was written in.
    pub fn read(text: &str) -> Result<(LabelPayload, PayloadForm), PayloadError> {
        let scheme = url::LABEL_URL_SCHEME.len();
        if text.len() >= scheme
            && text.is_char_boundary(scheme)
            && text[..scheme].eq_ignore_ascii_case(url::LABEL_URL_SCHEME)
        {
            return url::read_url(text);
        }
        LabelPayload::parse_text(text).map(|payload| (payload, PayloadForm::Text))
    }

    fn parse_text(text: &str) -> Result<LabelPayload, PayloadError> {
        let malformed = |part| PayloadError::Malformed {
            part,
            text: text.to_string(),
        };
        let Some(rest) = text.strip_prefix(LABEL_PAYLOAD_MAGIC) else {
            return Err(PayloadError::NotYima(text.to_string()));
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b':') {
            return Err(PayloadError::NotYima(text.to_string()));
        }
        let (version, rest) = (&rest[..digits], &rest[digits + 1..]);
        if version != LABEL_PAYLOAD_VERSION.to_string() {
            return Err(PayloadError::UnsupportedVersion {
                version: version.to_string(),
                text: text.to_string(),
            });
        }
        let mut parts = rest.splitn(3, ':');
        let (Some(code), Some(quantity), Some(sig)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed(PayloadPart::Layout));
        };
        let code: LabelCode = code.parse().map_err(|_| malformed(PayloadPart::Code))?;
        let quantity = parse_quantity(quantity).ok_or_else(|| malformed(PayloadPart::Quantity))?;
        let binary: [u8; 72] = base45::decode(sig)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| malformed(PayloadPart::Signature))?;
        let payload = LabelPayload::assemble(code, quantity, &binary);
        if payload.to_text() != text {
            return Err(malformed(PayloadPart::NotCanonical));
        }
        Ok(payload)
    }

    /// A payload from its facts and the 72 bytes both text forms carry: the key id (8) and
    /// the signature (64).
    fn assemble(code: LabelCode, quantity: Quantity, binary: &[u8; 72]) -> LabelPayload {
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&binary[..8]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&binary[8..]);
        LabelPayload {
            code,
            quantity,
            key_id: KeyId(key_id),
            signature: SignatureBytes(signature),
        }
    }

    /// Checks the signature with the key `lookup` finds for the payload's key id (a key whose
    /// id is not that one counts as not found).
    pub fn verify(&self, lookup: impl FnOnce(&KeyId) -> Option<PublicKey>) -> LabelVerdict {
        let Some(key) = lookup(&self.key_id).filter(|k| KeyId::of(k) == self.key_id) else {
            return LabelVerdict::KeyUnknown {
                key_id: self.key_id,
            };
        };
        let Ok(verifying) = VerifyingKey::from_bytes(key.as_bytes()) else {
            return LabelVerdict::Forged;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&self.signature.0);
        match verifying.verify_strict(&self.signed_bytes(), &signature) {
            Ok(()) => LabelVerdict::Valid { key },
            Err(_) => LabelVerdict::Forged,
        }
    }
}

fn parse_quantity(text: &str) -> Option<Quantity> {
    let (amount, unit) = [Unit::Kg, Unit::T, Unit::L]
        .into_iter()
        .find_map(|u| text.strip_suffix(unit_text(u)).map(|a| (a, u)))?;
    if !amount.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    Quantity::new(parse_milli(amount).ok()?, unit).ok()
}

impl fmt::Display for LabelPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl FromStr for LabelPayload {
    type Err = PayloadError;
    fn from_str(s: &str) -> Result<LabelPayload, PayloadError> {
        LabelPayload::parse(s)
    }
}

mod url;
pub use url::{
    PayloadForm, RegistryHost, RegistryHostError, LABEL_URL_PATH, LABEL_URL_PAYLOAD_VERSION,
    LABEL_URL_SCHEME, LABEL_URL_SIGNATURE_DIGITS, REGISTRY_HOST_MAX_LEN,
};

#[cfg(test)]
mod tests;
