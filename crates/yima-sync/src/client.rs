//! The registry client: its options, and the enrol and sync flows (one request and its retries
//! are in `request`).

use crate::error::{SyncError, SyncErrorKind};
use crate::pipeline::{Batch, IN_FLIGHT};
use serde::Serialize;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::task::JoinHandle;
use yima_device::{Clock, Device};
use yima_protocol::{
    DeviceInfo, EnrolRequest, FeedPage, KeyDirectoryPage, PushOutcome, PushResponse,
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
    /// Certificates (PEM) trusted besides the system's store and the bundled web roots:
    /// the CA of a registry whose certificate comes from a government or private CA.
    pub extra_ca_pem: Option<Vec<u8>>,
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
            extra_ca_pem: None,
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
    /// The block of label sequences the registry gave this device after it enrolled
    /// without one, taken up at this sync.
    pub sequence_block: Option<yima_codes::SequenceBlock>,
    /// Handover offers this device sent through the registry to their takers.
    pub offers_sent: u64,
    /// Handover offers for this device, new to it, fetched from the registry.
    pub offers_received: u64,
    /// Events whose route fixes the registry stored beside them.
    pub tracks_sent: u64,
    /// Events whose route fixes the registry refused (not the signed track, or not the
    /// pusher's to send): nothing of them stored.
    pub tracks_refused: u64,
    /// Scans of labels sent to the registry.
    pub sightings_sent: u64,
}

/// The path pushes go to.
const PUSH: &str = "/v1/events";

/// Pushes sent and not yet answered, oldest first. Dropped early (an error), it stops them
/// waiting: what the registry committed meanwhile comes back as duplicates next time.
#[derive(Default)]
struct InFlight(VecDeque<(Batch, Sending)>);

/// A push on its way: the answer's body, or why the attempt failed.
type Sending = JoinHandle<Result<Vec<u8>, Failure>>;

impl Drop for InFlight {
    fn drop(&mut self) {
        for (_, task) in &self.0 {
            task.abort();
        }
    }
}

mod request;

use request::Failure;

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
        // Idle connections are dropped before the registry's idle timeout (10 s by
        // default) would close them under a request.
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .pool_idle_timeout(Duration::from_secs(5));
        if let Some(pem) = &options.extra_ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                SyncError::new(
                    SyncErrorKind::Certificate,
                    format!("the CA file is not PEM certificates: {e}"),
                )
            })?;
            if certs.is_empty() {
                return Err(SyncError::new(
                    SyncErrorKind::Certificate,
                    "the CA file holds no certificate",
                ));
            }
            for c in certs {
                builder = builder.add_root_certificate(c);
            }
        }
        let http = builder
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

    /// Enrols the device's key with a single-use code and remembers the registry.
    pub async fn enrol<C: Clock>(
        &self,
        device: &mut Device<C>,
        code: &str,
    ) -> Result<DeviceInfo, SyncError> {
        let me = device.identity()?;
        let (block, source) = device.sequence_block()?;
        let body = serde_json::to_vec(&EnrolRequest {
            code: code.trim().to_string(),
            seq_block: (source == yima_device::BlockSource::SetUp).then_some(block),
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
        if let Some(block) = &info.seq_block {
            device.assign_sequence_block(block)?;
        }
        let keys: KeyDirectoryPage =
            Self::decode(&self.call(device, "GET", "/v1/keys", None).await?)?;
        device.learn_keys(&keys.devices)?;
        Ok(info)
    }

    /// Pushes the outbox, sends the handover offers queued and the labels scanned, learns keys, pulls the feed and
    /// fetches the handover offers waiting for this device.
    pub async fn sync<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        progress: &mut P,
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        self.push(device, &mut report, progress).await?;
        self.send_offers(device, &mut report).await?;
        self.send_sightings(device, &mut report).await?;
        self.learn_keys(device, &mut report, progress).await?;
        self.pull(device, &mut report, progress).await?;
        self.fetch_offers(device, &mut report).await?;
        Ok(report)
    }

    /// Pushes every pending event of the outbox in batches, recording each answer. Up to
    /// two pushes are in flight at once, in outbox order, but a batch with an event whose
    /// `prev` is in an unanswered push waits for that answer (sent before, the registry
    /// would defer it). While the registry works, the device records the answers that came
    /// back and reads the next batch. Answers are recorded in the order the pushes went.
    pub async fn push<C: Clock, P: FnMut(Progress)>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
        progress: &mut P,
    ) -> Result<(), SyncError> {
        let total = device.outbox_counts()?.pending;
        let mut done = 0;
        progress(Progress {
            phase: Phase::Push,
            done,
            total: Some(total),
        });
        let mut flight = InFlight::default();
        let mut next = self.next_push(device, 0)?;
        loop {
            while let Some(batch) = next.take() {
                if flight.0.len() >= IN_FLIGHT
                    || flight.0.iter().any(|(b, _)| batch.chains_on(&b.ids))
                {
                    next = Some(batch);
                    break;
                }
                let auth = device.sign_request("POST", PUSH, &batch.body)?;
                let sending =
                    tokio::spawn(self.attempt("POST", PUSH, batch.body.clone(), Some(&auth)));
                let after = batch.after;
                flight.0.push_back((batch, sending));
                next = self.next_push(device, after)?;
            }
            let Some((batch, sending)) = flight.0.pop_front() else {
                break;
            };
            let sent = sending.await.unwrap_or_else(|e| {
                Err(Failure::Retry(
                    format!("the request task failed: {e}"),
                    None,
                ))
            });
            let bytes = match sent {
                Ok(bytes) => bytes,
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retry(why, wait)) => {
                    self.retry(device, "POST", PUSH, Some(batch.body), 1, (why, wait))
                        .await?
                }
            };
            done += Self::record(device, &Self::decode(&bytes)?, report)?;
            progress(Progress {
                phase: Phase::Push,
                done,
                total: Some(total),
            });
        }
        Ok(())
    }

    /// The next batch of the outbox after position `after`.
    fn next_push<C: Clock>(
        &self,
        device: &mut Device<C>,
        after: i64,
    ) -> Result<Option<Batch>, SyncError> {
        let rows = device.outbox_batch(after, self.options.batch)?;
        // The route fixes of the events that sign a track go beside them.
        let events: Vec<_> = rows.iter().map(|(_, e)| e.clone()).collect();
        let tracks = device.outbox_tracks(&events)?;
        Ok(Batch::new(rows, tracks))
    }

    /// Records the registry's answers to a push on the device; the number of events.
    fn record<C: Clock>(
        device: &mut Device<C>,
        answer: &PushResponse,
        report: &mut SyncReport,
    ) -> Result<u64, SyncError> {
        device.mark_pushed(&answer.results)?;
        for r in &answer.results {
            match r.outcome {
                PushOutcome::Accepted | PushOutcome::Duplicate => report.accepted += 1,
                PushOutcome::Fork => report.forks += 1,
                PushOutcome::Refused => report.refused += 1,
                PushOutcome::Deferred => report.deferred += 1,
            }
        }
        for t in &answer.tracks {
            if t.stored {
                report.tracks_sent += 1;
            } else {
                report.tracks_refused += 1;
            }
        }
        Ok(answer.results.len() as u64)
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
        let learned = device.learn_keys(&keys.devices)?;
        report.keys += learned.added as u64;
        report.sequence_block = learned.block_taken_up.or(report.sequence_block);
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
