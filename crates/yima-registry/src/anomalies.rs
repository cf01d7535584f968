//! The registry's anomaly evaluation: each container changed by a push (or forked, or named
//! by an event refused for its signature or key) is judged again by the core's rules
//! ([`yima_core::anomalies`], [`yima_core::fork_anomalies`], [`yima_core::refused_anomalies`])
//! over its stored main chain and the route fixes kept for it, and judged again when its
//! next deadline passes ([`yima_core::next_deadline`]). The scans of its label kept by the
//! registry (sightings) are judged with it ([`yima_core::sighting_anomalies`]); a code
//! sighted that the registry holds no container of is judged on its sightings alone, from
//! its own due list, until the deadline its grace sets ([`yima_core::next_sighting_deadline`]). A background task
//! ([`run_evaluator`]) does it a batch at a time, apart from the pushes, so ingest is not
//! slowed; `GET /v1/audit/anomalies` lists what it found.

use crate::error::{ErrorKind, RegistryError};
use crate::store::RegistryStore;
use crate::AppState;
use std::collections::HashMap;
use std::time::Duration;
use yima_codes::LabelCode;
use yima_core::{
    anomalies, fork_anomalies, next_deadline, next_sighting_deadline, refused_anomalies,
    sighting_anomalies, transports, Anomaly, AnomalyConfig, EventId, ForkedEvent, SignedEvent,
    Timestamp, TransportFixes,
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

/// What the rules find in `code` at `now`, and when to judge it next.
pub async fn judge<S: RegistryStore>(
    store: &S,
    code: &LabelCode,
    now: Timestamp,
    config: &AnomalyConfig,
) -> Result<(Vec<Anomaly>, Option<Timestamp>), RegistryError> {
    let sightings = store.sightings_of(code.clone()).await?;
    let Some((_, status)) = store.statuses(vec![code.clone()]).await?.pop() else {
        // Never registered: its sightings alone.
        return Ok((
            sighting_anomalies(code, false, &sightings, now, config),
            next_sighting_deadline(code, false, &sightings, now, config),
        ));
    };
    let history = store.container_history(code.clone()).await?;
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
    let ended: Vec<EventId> = transports(&events)
        .iter()
        .filter(|t| t.track.is_some())
        .filter_map(|t| t.ended.map(|(end, _)| end))
        .collect();
    let kept = store.tracks_of(ended).await?;
    let fixes: Vec<TransportFixes> = kept
        .into_iter()
        .map(|(ended_by, fixes)| TransportFixes { ended_by, fixes })
        .collect();
    let mut found = anomalies(code, &events, &fixes, now, config);
    found.extend(fork_anomalies(code, &forks));
    found.extend(refused_anomalies(
        code,
        &store.audit_refused(code.clone()).await?,
    ));
    found.extend(sighting_anomalies(code, true, &sightings, now, config));
    found.sort_by_key(|a| (a.since, a.rule));
    Ok((found, next_deadline(code, &events, now, config)))
}

/// Judges up to `limit` containers due at `now`, then up to `limit` sighted codes the
/// registry holds no container of; returns how many were judged and kept.
pub async fn evaluate_due<S: RegistryStore>(
    store: &S,
    now: Timestamp,
    config: &AnomalyConfig,
    limit: u32,
) -> Result<usize, RegistryError> {
    let mut kept = 0;
    for (code, version) in store.audit_due(now, limit).await? {
        let (found, next) = judge(store, &code, now, config).await?;
        if store.put_anomalies(code, version, found, next, now).await? {
            kept += 1;
        }
    }
    for (code, version) in store.sighting_due(now, limit).await? {
        let (found, next) = judge(store, &code, now, config).await?;
        if store
            .put_sighting_anomalies(code, version, found, next, now)
            .await?
        {
            kept += 1;
        }
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
