//! The registry's anomaly evaluation: each container changed by a push (or forked, or named
//! by an event refused for its signature or key) is judged again by the core's rules
//! ([`yima_core::anomalies`], [`yima_core::fork_anomalies`], [`yima_core::refused_anomalies`])
//! over its stored main chain and the route fixes kept for it, and judged again when its
//! next deadline passes ([`yima_core::next_deadline`]). The scans of its label kept by the
//! registry (sightings) are judged with it ([`yima_core::sighting_anomalies`]); a code
//! sighted that the registry holds no container of is judged on its sightings alone, from
//! its own due list, until the deadline its grace sets ([`yima_core::next_sighting_deadline`]).
//!
//! A background task ([`run_evaluator`]) does it a batch at a time, apart from the pushes,
//! so ingest is not slowed. A batch of due codes is read in two store calls whatever its
//! size (what each code holds, the store's `judge_inputs`; then the route fixes of all
//! their ended transports), judged in memory ([`judge_one`]: the rules alone), and kept in
//! one transaction; a code changed since it was listed as due is left for the next round.
//! `GET /v1/audit/anomalies` lists what it found.

use crate::error::{ErrorKind, RegistryError};
use crate::store::{JudgeInputs, Judged, RegistryStore};
use crate::AppState;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use yima_codes::LabelCode;
use yima_core::{
    anomalies, fork_anomalies, next_deadline, next_sighting_deadline, refused_anomalies,
    sighting_anomalies, transports, Anomaly, AnomalyConfig, EventId, Fix, ForkedEvent,
    RefusedEvent, Sighting, SignedEvent, Timestamp, TransportFixes,
};

/// Containers judged per round.
pub const EVALUATE_BATCH: u32 = 200;

fn parse(e: &yima_protocol::FeedEntry) -> Result<SignedEvent, RegistryError> {
    e.event.parse().map_err(|err| {
        RegistryError::new(
            ErrorKind::Storage,
            format!("stored event {} unreadable: {err}", e.event.id),
        )
    })
}

/// What judging one code reads, its events parsed: the main chain in its order, the forks,
/// and the route fixes kept for its ended transports.
#[derive(Clone, Debug)]
pub struct Judging {
    /// The code.
    pub code: LabelCode,
    /// Whether the registry holds a container of it.
    pub registered: bool,
    /// Its main chain, in order.
    pub events: Vec<SignedEvent>,
    /// Its forked events.
    pub forks: Vec<ForkedEvent>,
    /// The sightings kept of it, oldest first.
    pub sightings: Vec<Sighting>,
    /// The refused events kept that name it, oldest first.
    pub refused: Vec<RefusedEvent>,
    /// The route fixes kept for its ended transports (see [`Judging::ended`]).
    pub fixes: Vec<TransportFixes>,
}

impl Judging {
    /// `read`'s events parsed (no fixes yet).
    pub fn of(read: JudgeInputs) -> Result<Judging, RegistryError> {
        let JudgeInputs {
            code,
            status,
            history,
            sightings,
            refused,
        } = read;
        let Some(status) = status else {
            // Never registered: its sightings alone.
            return Ok(Judging {
                code,
                registered: false,
                events: Vec::new(),
                forks: Vec::new(),
                sightings,
                refused: Vec::new(),
                fixes: Vec::new(),
            });
        };
        let mut by_id: HashMap<EventId, SignedEvent> = HashMap::with_capacity(history.len());
        let mut forks = Vec::new();
        for entry in &history {
            let e = parse(entry)?;
            if let Some(rival) = entry.fork_of {
                forks.push(ForkedEvent {
                    event: e.id,
                    rival,
                    at: e.body.at,
                    step: e.body.step(),
                });
            } else {
                by_id.insert(e.id, e);
            }
        }
        // The main chain, in its order (the status lists it).
        let events: Vec<SignedEvent> = status
            .chain
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect();
        Ok(Judging {
            code,
            registered: true,
            events,
            forks,
            sightings,
            refused,
            fixes: Vec::new(),
        })
    }

    /// The events that ended a transport with a route track: whose kept fixes the rules read.
    pub fn ended(&self) -> Vec<EventId> {
        transports(&self.events)
            .iter()
            .filter(|t| t.track.is_some())
            .filter_map(|t| t.ended.map(|(end, _)| end))
            .collect()
    }

    /// Sets the fixes kept for its ended transports from `kept` (of a batch: a transport
    /// may carry several of its containers).
    pub fn set_fixes(&mut self, kept: &HashMap<EventId, Vec<Fix>>) {
        self.fixes = self
            .ended()
            .into_iter()
            .filter_map(|ended_by| {
                kept.get(&ended_by).map(|fixes| TransportFixes {
                    ended_by,
                    fixes: fixes.clone(),
                })
            })
            .collect();
    }
}

/// What the rules find in what was read of one code at `now`, and when to judge it next.
pub fn judge_one(
    read: &Judging,
    now: Timestamp,
    config: &AnomalyConfig,
) -> (Vec<Anomaly>, Option<Timestamp>) {
    let code = &read.code;
    if !read.registered {
        return (
            sighting_anomalies(code, false, &read.sightings, now, config),
            next_sighting_deadline(code, false, &read.sightings, now, config),
        );
    }
    let mut found = anomalies(code, &read.events, &read.fixes, now, config);
    found.extend(fork_anomalies(code, &read.forks));
    found.extend(refused_anomalies(code, &read.refused));
    found.extend(sighting_anomalies(code, true, &read.sightings, now, config));
    found.sort_by_key(|a| (a.since, a.rule));
    (found, next_deadline(code, &read.events, now, config))
}

/// Judges `due` (codes with their versions) at `now`: reads them all in one store call,
/// the route fixes of all their ended transports in one more, and judges each.
pub async fn judge_batch<S: RegistryStore>(
    store: &S,
    due: Vec<(LabelCode, i64)>,
    now: Timestamp,
    config: &AnomalyConfig,
) -> Result<Vec<Judged>, RegistryError> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<LabelCode> = due.iter().map(|(c, _)| c.clone()).collect();
    let read = store.judge_inputs(codes).await?;
    let mut judging = read
        .into_iter()
        .map(Judging::of)
        .collect::<Result<Vec<_>, _>>()?;
    let ended: HashSet<EventId> = judging.iter().flat_map(Judging::ended).collect();
    if !ended.is_empty() {
        let kept = store.tracks_of(ended.into_iter().collect()).await?;
        for j in &mut judging {
            j.set_fixes(&kept);
        }
    }
    let versions: HashMap<&LabelCode, i64> = due.iter().map(|(c, v)| (c, *v)).collect();
    judging
        .iter()
        .map(|j| {
            let version = versions.get(&j.code).copied().ok_or_else(|| {
                RegistryError::new(
                    ErrorKind::Storage,
                    format!("{} read but not asked for", j.code),
                )
            })?;
            let (anomalies, next) = judge_one(j, now, config);
            Ok(Judged {
                code: j.code.clone(),
                version,
                anomalies,
                next,
            })
        })
        .collect()
}

/// What the rules find in `code` at `now`, and when to judge it next.
pub async fn judge<S: RegistryStore>(
    store: &S,
    code: &LabelCode,
    now: Timestamp,
    config: &AnomalyConfig,
) -> Result<(Vec<Anomaly>, Option<Timestamp>), RegistryError> {
    let mut judged = judge_batch(store, vec![(code.clone(), 0)], now, config).await?;
    let j = judged
        .pop()
        .ok_or_else(|| RegistryError::new(ErrorKind::Storage, format!("{code} was not read")))?;
    Ok((j.anomalies, j.next))
}

/// Judges up to `limit` containers due at `now`, then up to `limit` sighted codes the
/// registry holds no container of, each list as one batch (read in a constant number of
/// store calls, kept in one transaction); returns how many were judged and kept.
pub async fn evaluate_due<S: RegistryStore>(
    store: &S,
    now: Timestamp,
    config: &AnomalyConfig,
    limit: u32,
) -> Result<usize, RegistryError> {
    let mut kept = 0;
    let due = store.audit_due(now, limit).await?;
    if !due.is_empty() {
        let judged = judge_batch(store, due, now, config).await?;
        kept += store.put_anomalies(judged, now).await?.len();
    }
    let due = store.sighting_due(now, limit).await?;
    if !due.is_empty() {
        let judged = judge_batch(store, due, now, config).await?;
        kept += store.put_sighting_anomalies(judged, now).await?.len();
    }
    Ok(kept)
}

/// Judges what is due every `every`, a batch at a time until nothing is, until `shutdown`.
/// A failed round is logged and tried again at the next.
pub async fn run_evaluator<S: RegistryStore>(
    state: AppState<S>,
    config: AnomalyConfig,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    tokio::pin!(shutdown);
    loop {
        loop {
            let now = (state.clock)();
            match evaluate_due(state.store.as_ref(), now, &config, EVALUATE_BATCH).await {
                Ok(n) if n > 0 => tracing::debug!(judged = n, "anomalies judged"),
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e.message, "anomaly evaluation failed; retried later");
                    break;
                }
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
