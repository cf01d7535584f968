//! The HTTP client: signed requests with retries, and the enrol and sync flows.

use crate::error::{SyncError, SyncErrorKind};
use rand::Rng;
use serde::Serialize;
use std::time::Duration;
use yima_device::{Clock, Device};
use yima_protocol::{
    DeviceInfo, EnrolRequest, ErrorBody, FeedPage, KeyDirectoryPage, PushOutcome, PushRequest,
    PushResponse,
};

/// How the client behaves.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Events per push.
    pub batch: u32,
    /// Attempts per request before giving up (network errors, 5xx, 429).
    pub max_attempts: u32,
    /// First retry delay; doubled each time, with random jitter.
    pub base_delay: Duration,
    /// Longest retry delay.
    pub max_delay: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Allow plain HTTP to a host that is not loopback.
    pub allow_insecure_http: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch: 500,
            max_attempts: 8,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            timeout: Duration::from_secs(60),
            allow_insecure_http: false,
        }
    }
}

/// Which part of a sync is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Pushing the outbox.
    Push,
    /// Reading the key directory.
    Keys,
    /// Pulling the feed.
    Pull,
}

/// Progress of a sync, reported after each batch.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Progress {
    /// The phase.
    pub phase: Phase,
    /// Items done in this phase.
    pub done: u64,
    /// Items in this phase, when known.
    pub total: Option<u64>,
}

/// What a sync did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncReport {
    /// Events the registry accepted (or already had).
    pub accepted: u64,
    /// Events stored as forks (flagged).
    pub forks: u64,
    /// Events refused, kept on the device with the reason.
    pub refused: u64,
    /// Events the registry could not take yet (they stay in the outbox).
    pub deferred: u64,
    /// Events pulled and stored.
    pub pulled: u64,
    /// Keys learned.
    pub keys: u64,
}

/// A registry at a URL.
pub struct Registry {
    base: String,
    http: reqwest::Client,
    options: SyncOptions,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

impl Registry {
    /// A client for the registry at `url` (`https://…`; `http://` only on loopback or with
    /// `allow_insecure_http`).
    pub fn new(url: &str, options: SyncOptions) -> Result<Registry, SyncError> {
        let base = url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| SyncError::new(SyncErrorKind::BadUrl, format!("{url}: {e}")))?;
        match parsed.scheme() {
            "https" => {}
            "http" => {
                let host = parsed
                    .host_str()
                    .unwrap_or_default()
                    .trim_matches(|c| c == '[' || c == ']');
                if !is_loopback(host) && !options.allow_insecure_http {
                    return Err(SyncError::new(
                        SyncErrorKind::BadUrl,
                        format!("{url}: plain HTTP is only allowed to this machine; use https"),
                    ));
                }
            }
            other => {
                return Err(SyncError::new(
                    SyncErrorKind::BadUrl,
                    format!("{url}: unsupported scheme {other}"),
                ))
            }
        }
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .build()
            .map_err(|e| SyncError::new(SyncErrorKind::BadUrl, e.to_string()))?;
        Ok(Registry {
            base,
            http,
            options,
        })
    }

    /// The registry's URL.
    pub fn url(&self) -> &str {
        &self.base
    }

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
    async fn call<C: Clock>(
        &self,
        device: &mut Device<C>,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, SyncError> {
        let mut last = String::new();
        for attempt in 0..self.options.max_attempts {
            if attempt > 0 {
                tokio::time::sleep(self.delay(attempt - 1)).await;
            }
            let bytes = body.clone().unwrap_or_default();
            let auth = device.sign_request(method, path, &bytes)?;
            let url = format!("{}{path}", self.base);
            let mut req = match method {
                "GET" => self.http.get(&url),
                _ => self
                    .http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(bytes),
            };
            for (name, value) in auth.headers() {
                req = req.header(name, value);
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => {
                    last = format!("{url}: {e}");
                    continue;
                }
            };
            let status = resp.status();
            let text = match resp.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) => {
                    last = format!("{url}: reading the answer failed: {e}");
                    continue;
                }
            };
            if status.is_success() {
                return Ok(text);
            }
            let message = serde_json::from_slice::<ErrorBody>(&text)
                .map(|b| b.error.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&text).into_owned());
            if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
                last = format!("{url}: {status}: {message}");
                continue;
            }
            let kind = if status.as_u16() == 401 {
                SyncErrorKind::Unauthorized
            } else {
                SyncErrorKind::Refused
            };
            return Err(SyncError::new(kind, format!("{status}: {message}")));
        }
        Err(SyncError::new(
            SyncErrorKind::Unreachable,
            format!(
                "gave up after {} attempts: {last}",
                self.options.max_attempts
            ),
        ))
    }

    fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, SyncError> {
        serde_json::from_slice(bytes).map_err(|e| {
            SyncError::new(
                SyncErrorKind::Unreachable,
                format!("unexpected answer from the registry: {e}"),
            )
        })
    }

    /// Enrols the device's key with a single-use code and remembers the registry.
    pub async fn enrol<C: Clock>(
        &self,
        device: &mut Device<C>,
        code: &str,
    ) -> Result<DeviceInfo, SyncError> {
        let me = device.identity()?;
        let body = serde_json::to_vec(&EnrolRequest {
            code: code.trim().to_string(),
        })
        .expect("serialisable");
        let info: DeviceInfo =
            Self::decode(&self.call(device, "POST", "/v1/enrol", Some(body)).await?)?;
        if info.org != me.org.credit_code || info.role != me.role || info.key != me.key {
            return Err(SyncError::new(
                SyncErrorKind::Refused,
                format!(
                    "the code enrolled {} as {}, but this device is {} as {}",
                    info.org, info.role, me.org.credit_code, me.role
                ),
            ));
        }
        device.set_registry(&self.base)?;
        let keys: KeyDirectoryPage =
            Self::decode(&self.call(device, "GET", "/v1/keys", None).await?)?;
        device.learn_keys(&keys.devices)?;
        Ok(info)
    }

    /// Pushes the outbox, learns keys, pulls the feed.
    pub async fn sync<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        progress: &mut P,
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        self.push(device, &mut report, progress).await?;
        self.learn_keys(device, &mut report, progress).await?;
        self.pull(device, &mut report, progress).await?;
        Ok(report)
    }

    /// Pushes every pending event of the outbox in batches, recording each answer.
    pub async fn push<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
        progress: &mut P,
    ) -> Result<(), SyncError> {
        let total = device.outbox_counts()?.pending;
        let mut after = 0;
        let mut done = 0;
        progress(Progress {
            phase: Phase::Push,
            done,
            total: Some(total),
        });
        loop {
            let batch = device.outbox_batch(after, self.options.batch)?;
            let Some((last, _)) = batch.last() else { break };
            after = *last;
            let events = batch.into_iter().map(|(_, e)| e).collect();
            let body = serde_json::to_vec(&PushRequest { events }).expect("serialisable");
            let answer: PushResponse =
                Self::decode(&self.call(device, "POST", "/v1/events", Some(body)).await?)?;
            device.mark_pushed(&answer.results)?;
            for r in &answer.results {
                match r.outcome {
                    PushOutcome::Accepted | PushOutcome::Duplicate => report.accepted += 1,
                    PushOutcome::Fork => report.forks += 1,
                    PushOutcome::Refused => report.refused += 1,
                    PushOutcome::Deferred => report.deferred += 1,
                }
            }
            done += answer.results.len() as u64;
            progress(Progress {
                phase: Phase::Push,
                done,
                total: Some(total),
            });
        }
        Ok(())
    }

    /// Learns the registry's key directory.
    pub async fn learn_keys<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
        progress: &mut P,
    ) -> Result<(), SyncError> {
        let keys: KeyDirectoryPage =
            Self::decode(&self.call(device, "GET", "/v1/keys", None).await?)?;
        report.keys += device.learn_keys(&keys.devices)? as u64;
        let n = keys.devices.len() as u64;
        progress(Progress {
            phase: Phase::Keys,
            done: n,
            total: Some(n),
        });
        Ok(())
    }

    /// Pulls the feed from the device's cursor to its end.
    pub async fn pull<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
        progress: &mut P,
    ) -> Result<(), SyncError> {
        let mut cursor = device.registry()?.map(|(_, c)| c).unwrap_or(0);
        loop {
            let path = format!("/v1/feed?after={cursor}&limit={}", self.options.batch);
            let page: FeedPage = Self::decode(&self.call(device, "GET", &path, None).await?)?;
            let pulled = device.store_pulled(&page.entries, page.next)?;
            report.pulled += pulled.stored as u64;
            cursor = page.next;
            progress(Progress {
                phase: Phase::Pull,
                done: report.pulled,
                total: None,
            });
            if !page.more {
                break;
            }
        }
        Ok(())
    }

    /// A client for the registry the device enrolled with.
    pub fn for_device<C: Clock>(
        device: &mut Device<C>,
        options: SyncOptions,
    ) -> Result<Registry, SyncError> {
        let (url, _) = device.registry()?.ok_or_else(|| {
            SyncError::new(
                SyncErrorKind::NotEnrolled,
                "this device has not enrolled with a registry",
            )
        })?;
        Registry::new(&url, options)
    }
}
