//! One signed or unsigned request to the registry and its retries: backoff with jitter, the
//! registry's `Retry-After`, and which failures a retry can mend.

use super::Registry;
use crate::error::{SyncError, SyncErrorKind};
use rand::Rng;
use std::time::Duration;
use yima_device::{Clock, Device};
use yima_protocol::{ErrorBody, RequestAuth};

/// Why one attempt of a request failed.
pub(super) enum Failure {
    /// A retry may help (network error, 5xx, 408, 429), after at least the wait the
    /// registry asked for (`Retry-After`), if it asked.
    Retry(String, Option<Duration>),
    /// A retry cannot help.
    Final(SyncError),
}

/// The longest `Retry-After` the client honours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The wait a `Retry-After` header asks for, in seconds (the HTTP-date form is not used
/// by the registry and is ignored).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The TLS certificate failure among an error's causes, if that is what it is.
fn certificate_error(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let rustls_error = |e: &(dyn std::error::Error + 'static)| {
        let r = e.downcast_ref::<rustls::Error>()?;
        matches!(
            r,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::InvalidCertRevocationList(_)
        )
        .then(|| r.to_string())
    };
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(why) = rustls_error(c) {
            return Some(why);
        }
        // An I/O error's `source` skips the error it wraps (often another I/O error
        // wrapping the TLS one): follow the wrapped error instead.
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    None
}

impl Registry {
    fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .options
            .base_delay
            .saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(self.options.max_delay);
        // Full jitter: anywhere between half and all of the capped delay.
        let ms = capped.as_millis() as u64;
        Duration::from_millis(rand::thread_rng().gen_range(ms / 2..=ms.max(1)))
    }

    /// Sends a signed request, retrying what a retry can fix; returns the body of a 2xx.
    pub(crate) async fn call<C: Clock>(
        &self,
        device: &mut Device<C>,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, SyncError> {
        self.retry(device, method, path, body, 0, (String::new(), None))
            .await
    }

    /// Attempts from `first` on (earlier ones failed with `last`), each signed anew.
    pub(super) async fn retry<C: Clock>(
        &self,
        device: &mut Device<C>,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        first: u32,
        last: (String, Option<Duration>),
    ) -> Result<Vec<u8>, SyncError> {
        let sign = |bytes: &[u8]| device.sign_request(method, path, bytes).map(Some);
        self.attempts(method, path, body, first, last, sign).await
    }

    /// A request no device signs (an inspector with no account), retried as signed ones are.
    pub(crate) async fn call_unsigned(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, SyncError> {
        self.attempts(method, path, body, 0, (String::new(), None), |_| Ok(None))
            .await
    }

    async fn attempts(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        first: u32,
        (mut last, mut wait): (String, Option<Duration>),
        mut sign: impl FnMut(&[u8]) -> Result<Option<RequestAuth>, yima_device::DeviceError>,
    ) -> Result<Vec<u8>, SyncError> {
        for attempt in first..self.options.max_attempts {
            if attempt > 0 {
                // The registry's Retry-After, when it gave one, is honoured (up to five
                // minutes) rather than a shorter backoff.
                let asked = wait.take().unwrap_or_default().min(MAX_RETRY_AFTER);
                tokio::time::sleep(self.delay(attempt - 1).max(asked)).await;
            }
            let bytes = body.clone().unwrap_or_default();
            let auth = sign(&bytes)?;
            match self.attempt(method, path, bytes, auth.as_ref()).await {
                Ok(answer) => return Ok(answer),
                Err(Failure::Retry(why, asked)) => (last, wait) = (why, asked),
                Err(Failure::Final(e)) => return Err(e),
            }
        }
        Err(SyncError::new(
            SyncErrorKind::Unreachable,
            format!(
                "gave up after {} attempts: {last}",
                self.options.max_attempts
            ),
        ))
    }

    /// One attempt of a request signed by `auth`; the future owns all it needs, so it can
    /// run while the device does other work.
    pub(super) fn attempt(
        &self,
        method: &str,
        path: &str,
        bytes: Vec<u8>,
        auth: Option<&RequestAuth>,
    ) -> impl std::future::Future<Output = Result<Vec<u8>, Failure>> + Send + 'static {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "GET" => self.http.get(&url),
            _ => self
                .http
                .post(&url)
                .header("content-type", "application/json")
                .body(bytes),
        };
        for (name, value) in auth.into_iter().flat_map(|a| a.headers()) {
            req = req.header(name, value);
        }
        async move {
            let resp = req.send().await.map_err(|e| match certificate_error(&e) {
                // Not the network: retrying cannot make the certificate trusted.
                Some(why) => Failure::Final(SyncError::new(
                    SyncErrorKind::Certificate,
                    format!("{url}: the registry's certificate is not trusted: {why}"),
                )),
                None => Failure::Retry(format!("{url}: {e}"), None),
            })?;
            let status = resp.status();
            let retry_after = retry_after(resp.headers());
            let text = resp
                .bytes()
                .await
                .map_err(|e| {
                    Failure::Retry(format!("{url}: reading the answer failed: {e}"), None)
                })?
                .to_vec();
            if status.is_success() {
                return Ok(text);
            }
            let message = serde_json::from_slice::<ErrorBody>(&text)
                .map(|b| b.error.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&text).into_owned());
            if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
                return Err(Failure::Retry(
                    format!("{url}: {status}: {message}"),
                    retry_after,
                ));
            }
            let kind = if status.as_u16() == 401 {
                SyncErrorKind::Unauthorized
            } else {
                SyncErrorKind::Refused
            };
            Err(Failure::Final(SyncError::new(
                kind,
                format!("{status}: {message}"),
            )))
        }
    }

    pub(crate) fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, SyncError> {
        serde_json::from_slice(bytes).map_err(|e| {
            SyncError::new(
                SyncErrorKind::Unreachable,
                format!("unexpected answer from the registry: {e}"),
            )
        })
    }
}
