//! Authentication of every request by the device key: an axum extractor that checks the
//! signature over method, path, time, nonce and body, the clock, the nonce (replays are
//! refused) and that the key is enrolled and not revoked.

use crate::error::{ErrorKind, RegistryError};
use crate::store::RegistryStore;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use yima_core::Timestamp;
use yima_protocol::{verify_request, DeviceInfo, RequestAuth, MAX_BODY_BYTES, MAX_CLOCK_SKEW_MS};

/// A request whose signature and time checked out, with its body (its nonce not yet
/// recorded: see [`SignedOnce`]).
pub struct Signed {
    /// The signing key and headers.
    pub auth: RequestAuth,
    /// The raw body.
    pub body: Bytes,
}

/// A signed request from an enrolled, unrevoked device.
pub struct Authed {
    /// The device.
    pub device: DeviceInfo,
    /// The raw body.
    pub body: Bytes,
}

fn unauthorized(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::Unauthorized, m)
}

impl<S: RegistryStore> FromRequest<AppState<S>> for Signed {
    type Rejection = RegistryError;

    async fn from_request(req: Request, state: &AppState<S>) -> Result<Signed, RegistryError> {
        let method = req.method().as_str().to_string();
        let path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let headers = req.headers().clone();
        let auth =
            RequestAuth::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()))
                .map_err(|e| unauthorized(e.to_string()))?;
        // A body announced and never sent would hold the connection: it has a deadline.
        let body = tokio::time::timeout(state.body_timeout, Bytes::from_request(req, state))
            .await
            .map_err(|_| {
                RegistryError::new(
                    ErrorKind::Timeout,
                    format!(
                        "the request body did not arrive within {} s",
                        state.body_timeout.as_secs()
                    ),
                )
            })?
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    RegistryError::new(
                        ErrorKind::TooLarge,
                        format!("request body over {MAX_BODY_BYTES} bytes"),
                    )
                } else {
                    RegistryError::new(ErrorKind::BadRequest, e.body_text())
                }
            })?;
        verify_request(&auth, &method, &path, &body).map_err(|e| unauthorized(e.to_string()))?;
        let now = (state.clock)();
        if (auth.time - now.0).abs() > MAX_CLOCK_SKEW_MS {
            return Err(unauthorized(format!(
                "request time {} is too far from the registry's clock ({})",
                Timestamp(auth.time),
                now
            )));
        }
        Ok(Signed { auth, body })
    }
}

impl Signed {
    /// Records the request's nonce: refused if the key used it before (a replay). Called
    /// only after every cheaper check, so a request from an unknown key costs no write.
    async fn use_nonce<S: RegistryStore>(&self, state: &AppState<S>) -> Result<(), RegistryError> {
        let now = (state.clock)();
        if !state
            .store
            .use_nonce(self.auth.key, self.auth.nonce.clone(), now)
            .await?
        {
            return Err(unauthorized("replayed request (nonce already used)"));
        }
        Ok(())
    }
}

/// A signed request whose nonce is recorded (enrolment: the key is new by design).
pub struct SignedOnce(pub Signed);

impl<S: RegistryStore> FromRequest<AppState<S>> for SignedOnce {
    type Rejection = RegistryError;

    async fn from_request(req: Request, state: &AppState<S>) -> Result<SignedOnce, RegistryError> {
        let signed = Signed::from_request(req, state).await?;
        signed.use_nonce(state).await?;
        Ok(SignedOnce(signed))
    }
}

impl<S: RegistryStore> FromRequest<AppState<S>> for Authed {
    type Rejection = RegistryError;

    async fn from_request(req: Request, state: &AppState<S>) -> Result<Authed, RegistryError> {
        let signed = Signed::from_request(req, state).await?;
        let device = state.store.device(signed.auth.key).await?.ok_or_else(|| {
            unauthorized(format!("key {} is not enrolled", signed.auth.key.short()))
        })?;
        if let Some(r) = device.revoked_at {
            if (state.clock)() >= r {
                return Err(unauthorized(format!(
                    "key {} was revoked at {r}",
                    device.key.short()
                )));
            }
        }
        // The nonce is written last: an unknown or revoked key is refused without a write.
        signed.use_nonce(state).await?;
        Ok(Authed {
            device,
            body: signed.body,
        })
    }
}

/// Parses a JSON body, answering 400 with the parser's message on failure.
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, RegistryError> {
    serde_json::from_slice(body)
        .map_err(|e| RegistryError::new(ErrorKind::BadRequest, format!("malformed JSON: {e}")))
}
