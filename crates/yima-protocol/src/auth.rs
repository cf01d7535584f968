//! Every request is signed by the device key: method, path and query, time, a nonce and the
//! SHA-256 of the body. The registry refuses stale times and replayed nonces.

use sha2::{Digest, Sha256};
use yima_core::{DeviceKey, EventId, PublicKey, SignatureBytes};

/// Header carrying the device's public key (hex).
pub const HEADER_KEY: &str = "x-yima-key";
/// Header carrying the request time (ms since the epoch).
pub const HEADER_TIME: &str = "x-yima-time";
/// Header carrying a fresh random nonce (hex).
pub const HEADER_NONCE: &str = "x-yima-nonce";
/// Header carrying the signature (hex).
pub const HEADER_SIGNATURE: &str = "x-yima-signature";
/// How far a request's time may be from the registry's clock: 5 minutes.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// The authentication headers of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestAuth {
    /// The signing device.
    pub key: PublicKey,
    /// Request time, ms since the epoch.
    pub time: i64,
    /// Nonce (hex, 8–64 characters).
    pub nonce: String,
    /// Signature over the request.
    pub signature: SignatureBytes,
}

/// Why a request's authentication fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A header is missing or malformed.
    #[error("authentication header {0} is missing or malformed")]
    Header(&'static str),
    /// The signature does not verify for this request.
    #[error("the request signature does not verify")]
    BadSignature,
}

fn message(method: &str, path: &str, time: i64, nonce: &str, body: &[u8]) -> EventId {
    // The message is hashed with the event-id function's domain replaced by our own, so a
    // request signature can never be mistaken for an event signature.
    let mut h = Sha256::new();
    h.update(b"yima/request/v1\0");
    h.update(method.as_bytes());
    h.update(b"\n");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(time.to_string().as_bytes());
    h.update(b"\n");
    h.update(nonce.as_bytes());
    h.update(b"\n");
    h.update(Sha256::digest(body));
    EventId(h.finalize().into())
}

/// Signs a request.
pub fn sign_request(
    key: &DeviceKey,
    method: &str,
    path: &str,
    time: i64,
    nonce: &str,
    body: &[u8],
) -> RequestAuth {
    let sig = key.sign(&message(method, path, time, nonce, body));
    RequestAuth {
        key: sig.key,
        time,
        nonce: nonce.to_string(),
        signature: sig.sig,
    }
}

/// Checks a request's signature (the caller checks time, nonce and key status).
pub fn verify_request(
    auth: &RequestAuth,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<(), AuthError> {
    let nonce_ok =
        (8..=64).contains(&auth.nonce.len()) && auth.nonce.bytes().all(|b| b.is_ascii_hexdigit());
    if !nonce_ok {
        return Err(AuthError::Header(HEADER_NONCE));
    }
    if auth.key.verify(
        &message(method, path, auth.time, &auth.nonce, body),
        &auth.signature,
    ) {
        Ok(())
    } else {
        Err(AuthError::BadSignature)
    }
}

impl RequestAuth {
    /// The headers as (name, value) pairs.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_KEY, self.key.to_string()),
            (HEADER_TIME, self.time.to_string()),
            (HEADER_NONCE, self.nonce.clone()),
            (HEADER_SIGNATURE, self.signature.to_string()),
        ]
    }

    /// Reads the headers through `get`.
    pub fn from_headers<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<RequestAuth, AuthError> {
        let key = get(HEADER_KEY)
            .and_then(|v| v.parse().ok())
            .ok_or(AuthError::Header(HEADER_KEY))?;
        let time = get(HEADER_TIME)
            .and_then(|v| v.parse().ok())
            .ok_or(AuthError::Header(HEADER_TIME))?;
        let nonce = get(HEADER_NONCE)
            .ok_or(AuthError::Header(HEADER_NONCE))?
            .to_string();
        let signature = get(HEADER_SIGNATURE)
            .and_then(|v| v.parse().ok())
            .ok_or(AuthError::Header(HEADER_SIGNATURE))?;
        Ok(RequestAuth {
            key,
            time,
            nonce,
            signature,
        })
    }
}
