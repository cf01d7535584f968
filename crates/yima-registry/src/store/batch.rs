//! What both stores do with a push between reading and writing: every event is decided with
//! the shared rules ([`crate::ingest::decide`]) against what the push read once, kept up to
//! date in memory, and what is to be written is gathered table by table. Each backend reads
//! [`Known`] in its own way and writes [`Writes`] with a few multi-row statements.

use crate::error::RegistryError;
use crate::ingest::{decide, parties, Decision};
use crate::store::{audit, division, status};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use yima_core::{ContainerStatus, PublicKey, SignedEvent, Timestamp};
use yima_protocol::{DeviceInfo, PushOutcome, PushResult, RefusalKind};

/// A feed row to write, in order: one event of the push (its place in [`Writes::events`],
/// whose seq the store knows once it has written them), or the whole history of a container
/// and its lineage (when an organisation becomes a party to it).
pub(crate) enum FeedItem {
    One { org: String, event: usize },
    Backfill { org: String, container: String },
}

/// One event row.
pub(crate) struct EventRow {
    pub id: String,
    pub body: String,
    pub signatures: String,
    pub step: &'static str,
    pub at: i64,
    pub recorder: String,
    pub recorder_org: String,
    pub fork_of: Option<String>,
}

/// One refused event: id, body, signatures, reason.
pub(crate) type RefusedRow = (String, String, String, String);

/// One container's new main-chain status: code, head, status (JSON), division.
pub(crate) type ContainerRow = (String, String, String, String);

/// What one push writes, gathered while deciding.
#[derive(Default)]
pub(crate) struct Writes {
    pub events: Vec<EventRow>,
    /// Event id, container, previous event.
    pub links: Vec<(String, String, Option<String>)>,
    /// Event id, container, rival.
    pub forks: Vec<(String, String, String)>,
    pub refused: Vec<RefusedRow>,
    pub containers: Vec<ContainerRow>,
    /// Container, organisation.
    pub parties: Vec<(String, String)>,
    pub feed: Vec<FeedItem>,
    /// The audit index's facts of the stored events (kind, value, container).
    pub facts: Vec<audit::FactRow>,
    /// The audit summaries of the containers whose status changed.
    pub audit: Vec<audit::AuditRow>,
    /// When each container the push begins was begun.
    pub births: HashMap<String, Timestamp>,
    /// Containers whose chain a stored fork claims a place in: to be judged again.
    pub recheck: Vec<String>,
    /// Events refused for a bad signature, a wrong key, a revoked one or a load off its
    /// manifest, by container.
    pub refused_links: Vec<RefusedLink>,
}

/// A refused event's row of `audit_refused`: container, event id, why, at, reason.
pub(crate) type RefusedLink = (String, String, &'static str, i64, String);

/// What a push reads before deciding (under the containers' locks, or in the write
/// transaction), then keeps up to date in memory as events are decided.
#[derive(Default)]
pub(crate) struct Known {
    /// Ids of the push's events already stored.
    pub stored: HashSet<String>,
    /// Main-chain status of the push's containers the registry has.
    pub statuses: HashMap<String, ContainerStatus>,
    /// Parties of the push's containers.
    pub parties: HashMap<String, BTreeSet<String>>,
    /// Enrolled devices among the push's recorders and givers.
    pub devices: HashMap<PublicKey, DeviceInfo>,
    /// Regulators (credit code, jurisdiction), read when the push begins a container.
    pub regulators: Vec<(String, String)>,
}

/// Every container the push links, sorted and unique.
pub(crate) fn containers(events: &[SignedEvent]) -> Vec<String> {
    let codes: BTreeSet<String> = events
        .iter()
        .flat_map(|e| e.body.links.iter().map(|l| l.container.to_string()))
        .collect();
    codes.into_iter().collect()
}

/// Every recorder and giver key of the push, unique.
pub(crate) fn signers(events: &[SignedEvent]) -> Vec<PublicKey> {
    let keys: BTreeSet<PublicKey> = events.iter().flat_map(|e| e.body.signer_keys()).collect();
    keys.into_iter().collect()
}

/// Whether any event begins a container (then regulators must be read).
pub(crate) fn begins_containers(events: &[SignedEvent]) -> bool {
    events
        .iter()
        .any(|e| e.body.links.iter().any(|l| l.prev.is_none()))
}

fn signatures_json(e: &SignedEvent) -> Result<String, RegistryError> {
    Ok(serde_json::to_string(&e.signatures)?)
}

fn body_text(e: &SignedEvent) -> String {
    std::str::from_utf8(&e.canonical)
        .unwrap_or_default()
        .to_string()
}

impl Writes {
    fn store_event(
        &mut self,
        e: &SignedEvent,
        id: &str,
        fork_of: Option<String>,
    ) -> Result<(), RegistryError> {
        self.events.push(EventRow {
            id: id.to_string(),
            body: body_text(e),
            signatures: signatures_json(e)?,
            step: e.body.step().as_str(),
            at: e.body.at.0,
            recorder: e.body.by.key.to_string(),
            recorder_org: e.body.by.org.to_string(),
            fork_of,
        });
        self.facts.extend(audit::facts_of(e));
        for l in &e.body.links {
            if l.prev.is_none() {
                self.births.insert(l.container.to_string(), e.body.at);
            }
            self.links.push((
                id.to_string(),
                l.container.to_string(),
                l.prev.map(|p| p.to_string()),
            ));
        }
        Ok(())
    }

    /// Adds the event to the feeds of every party of its containers; an organisation that
    /// becomes a party to a container with history first gets that history (a backfill).
    fn publish(&mut self, e: &SignedEvent, known: &mut Known) {
        // Called right after `store_event`: the event is the last one to be written.
        let event = self.events.len() - 1;
        let new_parties: Vec<String> = parties(e).iter().map(|o| o.to_string()).collect();
        let fresh = e.body.links.iter().all(|l| l.prev.is_none());
        for l in &e.body.links {
            let code = l.container.to_string();
            let mut parties_for = new_parties.clone();
            if l.prev.is_none() {
                // Regulators whose jurisdiction covers the producer see the container from its start.
                let div = division(&l.container);
                parties_for.extend(
                    known
                        .regulators
                        .iter()
                        .filter(|(_, j)| div.starts_with(j.as_str()))
                        .map(|(c, _)| c.clone()),
                );
            }
            let set = known.parties.entry(code.clone()).or_default();
            for org in parties_for {
                if set.insert(org.clone()) {
                    self.parties.push((code.clone(), org.clone()));
                    // An event that only begins containers has no history to catch up on.
                    if !fresh {
                        self.feed.push(FeedItem::Backfill {
                            org,
                            container: code.clone(),
                        });
                    }
                }
            }
            for org in set.iter() {
                self.feed.push(FeedItem::One {
                    org: org.clone(),
                    event,
                });
            }
        }
    }
}

/// Decides every event of a push in order, each seeing what the ones before it changed.
pub(crate) fn decide_push(
    events: &[SignedEvent],
    pusher: &PublicKey,
    now: Timestamp,
    checked: bool,
    mut known: Known,
) -> Result<(Vec<PushResult>, Writes), RegistryError> {
    let n = events.len();
    let mut w = Writes {
        events: Vec::with_capacity(n),
        links: Vec::with_capacity(n),
        feed: Vec::with_capacity(n),
        parties: Vec::with_capacity(n),
        containers: Vec::with_capacity(n),
        ..Writes::default()
    };
    known.stored.reserve(n);
    known.statuses.reserve(n);
    known.parties.reserve(n);
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut refused_ids = HashSet::new();
    let mut results = Vec::with_capacity(n);
    for e in events {
        let id = e.id.to_string();
        if known.stored.contains(&id) {
            results.push(PushResult {
                id: e.id,
                outcome: PushOutcome::Duplicate,
                reason: None,
                refusal: None,
            });
            continue;
        }
        let mut chains = BTreeMap::new();
        for l in &e.body.links {
            chains.insert(
                l.container.clone(),
                known.statuses.get(l.container.as_str()).cloned(),
            );
        }
        let devices = &known.devices;
        let decision = decide(e, pusher, now, checked, &chains, |k| {
            devices.get(k).cloned()
        });
        let result = match decision {
            Decision::Accept { after } => {
                w.store_event(e, &id, None)?;
                for (code, status) in after {
                    changed.insert(code.to_string());
                    known.statuses.insert(code.to_string(), status);
                }
                w.publish(e, &mut known);
                known.stored.insert(id);
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Accepted,
                    reason: None,
                    refusal: None,
                }
            }
            Decision::Fork { conflicts } => {
                w.store_event(e, &id, Some(conflicts[0].1.to_string()))?;
                w.recheck
                    .extend(e.body.links.iter().map(|l| l.container.to_string()));
                for (code, rival) in &conflicts {
                    w.forks
                        .push((id.clone(), code.to_string(), rival.to_string()));
                }
                w.publish(e, &mut known);
                known.stored.insert(id);
                let list: Vec<String> = conflicts
                    .iter()
                    .map(|(c, r)| format!("{c} (already followed by {})", r.short()))
                    .collect();
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Fork,
                    reason: Some(format!("forks the chain of {}", list.join(", "))),
                    refusal: None,
                }
            }
            Decision::Refuse(kind, reason) => {
                // The first reason is kept.
                if refused_ids.insert(id.clone()) {
                    let why = match kind {
                        RefusalKind::Signature => Some("signature"),
                        RefusalKind::Key => Some("key"),
                        RefusalKind::Revoked => Some("revoked"),
                        RefusalKind::Custody => Some("manifest"),
                        _ => None,
                    };
                    if let Some(why) = why {
                        // A custody refusal is an anomaly only of the containers it loads
                        // off their manifest.
                        let named = e.body.links.iter().filter(|l| {
                            why != "manifest" || {
                                let before = known.statuses.get(l.container.as_str());
                                matches!(
                                    yima_core::apply(before, e.id, &e.body, &l.container),
                                    Err(err) if yima_core::off_manifest(&e.body, &err)
                                )
                            }
                        });
                        for l in named {
                            let code = l.container.to_string();
                            w.recheck.push(code.clone());
                            w.refused_links.push((
                                code,
                                id.clone(),
                                why,
                                e.body.at.0,
                                reason.clone(),
                            ));
                        }
                    }
                    w.refused
                        .push((id, body_text(e), signatures_json(e)?, reason.clone()));
                }
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Refused,
                    reason: Some(reason),
                    refusal: Some(kind),
                }
            }
            Decision::Defer(reason) => PushResult {
                id: e.id,
                outcome: PushOutcome::Deferred,
                reason: Some(reason),
                refusal: None,
            },
        };
        results.push(result);
    }
    for code in changed {
        let Some(status) = known.statuses.remove(&code) else {
            continue;
        };
        let born = w.births.get(&code).copied();
        w.audit.push(audit::row_of(
            &status,
            born.or(status.head_at).unwrap_or(now),
        ));
        let (head, div) = (status.head.to_string(), division(&status.label.code));
        w.containers
            .push((code, head, status::write(&status)?, div));
    }
    Ok((results, w))
}
