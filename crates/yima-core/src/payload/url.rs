//! The label payload as an HTTPS address of the registry (version 2): the same facts and the
//! same signature as version 1, written so that a phone's own camera opens the registry's
//! public page of the container, and still read and verified offline by Yima's own readers.
//!
//! `HTTPS://<HOST>/L/<code>-<amount><unit>-<key id and signature as 174 decimal digits>`,
//! all upper case (QR alphanumeric and numeric modes only).

use super::{parse_quantity, unit_text, LabelPayload, PayloadError, PayloadPart};
use crate::quantity::format_milli;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The scheme every version-2 payload starts with (read in any case).
pub const LABEL_URL_SCHEME: &str = "HTTPS://";
/// The path of a container's public page on the registry, before the label's facts.
pub const LABEL_URL_PATH: &str = "/L/";
/// The version number of the URL form (the text form, `YIMA1:`, is version 1).
pub const LABEL_URL_PAYLOAD_VERSION: u32 = 2;
/// How many decimal digits the key id and signature (72 bytes) take, always.
pub const LABEL_URL_SIGNATURE_DIGITS: usize = 174;
/// The longest registry host (with its port) a label names: longer ones would not keep the
/// QR code within version 10 at level Q.
pub const REGISTRY_HOST_MAX_LEN: usize = 48;

/// The fewest digits a URL's last part must have to be taken for a Yima label (and then be
/// reported as damaged if it does not read) rather than for any other address.
const YIMA_LIKE_DIGITS: usize = 100;

/// A registry's host name (or IPv4 address) and optional port, as a label's URL names it:
/// upper case, letters, digits, `-` and `.`, then `:port`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RegistryHost(String);

/// Why an address cannot be a label's registry host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryHostError {
    /// The registry is not served over HTTPS (a phone would open nothing, or warn).
    #[error("the registry's address is not https")]
    NotHttps,
    /// The address has a path, a query or user information: the page is served at the root.
    #[error("the registry's address has more than a host and a port")]
    NotBare,
    /// The host is empty, too long, or has characters a host name cannot have.
    #[error("the registry's host name is not a plain host name of at most {REGISTRY_HOST_MAX_LEN} characters")]
    BadHost,
    /// The port is not a number from 1 to 65535 written without leading zeros.
    #[error("the registry's port is not a port number")]
    BadPort,
}

impl RegistryHost {
    /// Reads `host` or `host:port` (any case).
    pub fn parse(text: &str) -> Result<RegistryHost, RegistryHostError> {
        let upper = text.to_ascii_uppercase();
        let (host, port) = match upper.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (upper.as_str(), None),
        };
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        };
        if upper.len() > REGISTRY_HOST_MAX_LEN || !host.split('.').all(label_ok) {
            return Err(RegistryHostError::BadHost);
        }
        if let Some(port) = port {
            let canonical = port
                .parse::<u16>()
                .ok()
                .filter(|&p| p > 0 && p.to_string() == port);
            if canonical.is_none() {
                return Err(RegistryHostError::BadPort);
            }
        }
        Ok(RegistryHost(upper))
    }

    /// The host of a registry's address (`https://host[:port][/]`), as a device was enrolled
    /// with it. Only an HTTPS address with nothing after the host and port has one.
    pub fn from_registry_url(url: &str) -> Result<RegistryHost, RegistryHostError> {
        let lower = url.trim().to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("https://") else {
            return Err(RegistryHostError::NotHttps);
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@']) {
            return Err(RegistryHostError::NotBare);
        }
        RegistryHost::parse(authority)
    }

    /// The host (and port), upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegistryHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegistryHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistryHost({})", self.0)
    }
}

impl FromStr for RegistryHost {
    type Err = RegistryHostError;
    fn from_str(s: &str) -> Result<RegistryHost, RegistryHostError> {
        RegistryHost::parse(s)
    }
}

impl Serialize for RegistryHost {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// How a label payload is written: the text of version 1, or version 2's HTTPS address of a
/// registry. Both carry the same facts and the same signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "form", content = "host", rename_all = "snake_case")]
pub enum PayloadForm {
    /// `YIMA1:…`
    Text,
    /// `HTTPS://<host>/L/…`
    Url(RegistryHost),
}

/// 72 bytes as exactly [`LABEL_URL_SIGNATURE_DIGITS`] decimal digits (big-endian, zero-padded).
fn to_decimal(bytes: &[u8; 72]) -> String {
    let mut n = *bytes;
    let mut digits = Vec::with_capacity(LABEL_URL_SIGNATURE_DIGITS);
    for _ in 0..LABEL_URL_SIGNATURE_DIGITS {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// The 72 bytes of exactly [`LABEL_URL_SIGNATURE_DIGITS`] decimal digits, `None` for any other
/// text or a value of 2⁵⁷⁶ or more.
fn from_decimal(text: &str) -> Option<[u8; 72]> {
    if text.len() != LABEL_URL_SIGNATURE_DIGITS || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n = [0u8; 72];
    for d in text.bytes() {
        let mut carry = u32::from(d - b'0');
        for b in n.iter_mut().rev() {
            let cur = u32::from(*b) * 10 + carry;
            *b = cur as u8;
            carry = cur >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(n)
}

impl LabelPayload {
    /// The payload as version 2's address of the registry at `host`:
    /// `HTTPS://<host>/L/<code>-<amount><unit>-<174 digits>`.
    pub fn to_url(&self, host: &RegistryHost) -> String {
        format!(
            "{LABEL_URL_SCHEME}{host}{LABEL_URL_PATH}{}",
            self.url_path()
        )
    }

    /// What follows `/L/` in the URL form: `<code>-<amount><unit>-<174 digits>`.
    pub fn url_path(&self) -> String {
        let mut binary = [0u8; 72];
        binary[..8].copy_from_slice(&self.key_id.0);
        binary[8..].copy_from_slice(&self.signature.0);
        format!(
            "{}-{}{}-{}",
            self.code,
            format_milli(self.quantity.milli),
            unit_text(self.quantity.unit),
            to_decimal(&binary)
        )
    }

    /// The payload written in `form`.
    pub fn to_text_in(&self, form: &PayloadForm) -> String {
        match form {
            PayloadForm::Text => self.to_text(),
            PayloadForm::Url(host) => self.to_url(host),
        }
    }

    /// Reads what follows `/L/` in a version-2 address (as the registry's page receives it),
    /// in any case. Errors carry `path` as their text.
    pub fn from_url_path(path: &str) -> Result<LabelPayload, PayloadError> {
        read_path(path, path)
    }
}

/// Reads a version-2 text (`text` starts with `HTTPS://` in any case).
pub(super) fn read_url(text: &str) -> Result<(LabelPayload, PayloadForm), PayloadError> {
    let not_yima = || PayloadError::NotYima(text.to_string());
    let upper = text.to_ascii_uppercase();
    let rest = &upper[LABEL_URL_SCHEME.len()..];
    let Some(slash) = rest.find('/') else {
        return Err(not_yima());
    };
    let (host, path) = rest.split_at(slash);
    let Some(path) = path.strip_prefix(LABEL_URL_PATH) else {
        return Err(not_yima());
    };
    // Any other address, even on a path `/L/`, is not a Yima label; one ending in a long run of
    // digits is, and is then read strictly.
    let tail = path.rsplit('-').next().unwrap_or("");
    if !path.contains('-')
        || tail.len() < YIMA_LIKE_DIGITS
        || !tail.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(not_yima());
    }
    let host = RegistryHost::parse(host).map_err(|_| PayloadError::Malformed {
        part: PayloadPart::Host,
        text: text.to_string(),
    })?;
    let payload = read_path(path, text)?;
    Ok((payload, PayloadForm::Url(host)))
}

fn read_path(path: &str, text: &str) -> Result<LabelPayload, PayloadError> {
    let malformed = |part| PayloadError::Malformed {
        part,
        text: text.to_string(),
    };
    let upper = path.to_ascii_uppercase();
    let mut parts = upper.split('-');
    let (Some(code), Some(quantity), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(PayloadPart::Layout));
    };
    let code = code.parse().map_err(|_| malformed(PayloadPart::Code))?;
    let quantity = parse_quantity(quantity).ok_or_else(|| malformed(PayloadPart::Quantity))?;
    let binary = from_decimal(sig).ok_or_else(|| malformed(PayloadPart::Signature))?;
    let payload = LabelPayload::assemble(code, quantity, &binary);
    if payload.url_path() != upper {
        return Err(malformed(PayloadPart::NotCanonical));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests;
