//! The SQLite store's ingest: decide each pushed event with the shared rules and write it,
//! its links, the container status, and the feeds of every party, in one transaction.

use super::device_in;
use crate::error::RegistryError;
use crate::ingest::{decide, parties, Decision};
use crate::store::division;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use yima_codes::LabelCode;
use yima_core::{ContainerStatus, EventId, PublicKey, SignedEvent, Timestamp};
use yima_protocol::{PushOutcome, PushResult};

fn status_in(
    conn: &Connection,
    code: &LabelCode,
) -> Result<Option<ContainerStatus>, RegistryError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT status FROM containers WHERE code = ?1")?
        .query_row([code.as_str()], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

fn store_event(
    conn: &Connection,
    e: &SignedEvent,
    pusher: &PublicKey,
    now: Timestamp,
    fork_of: Option<EventId>,
) -> Result<(), RegistryError> {
    conn.prepare_cached(
        "INSERT INTO events (id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.id.to_string(),
        std::str::from_utf8(&e.canonical).unwrap_or_default(),
        serde_json::to_string(&e.signatures)?,
        e.body.step().as_str(),
        e.body.at.0,
        e.body.by.key.to_string(),
        e.body.by.org.as_str(),
        now.0,
        pusher.to_string(),
        fork_of.map(|f| f.to_string()),
    ])?;
    let mut link = conn.prepare_cached(
        "INSERT INTO event_links (event_id, container, prev) VALUES (?1, ?2, ?3)",
    )?;
    for l in &e.body.links {
        link.execute(params![
            e.id.to_string(),
            l.container.as_str(),
            l.prev.map(|p| p.to_string())
        ])?;
    }
    Ok(())
}

/// Containers that share an event with any of `start`, transitively (merge/split lineage,
/// multi-container events): a new party must see all of them to follow any one chain.
fn lineage(conn: &Connection, start: &[String]) -> Result<Vec<String>, RegistryError> {
    let mut seen: std::collections::BTreeSet<String> = start.iter().cloned().collect();
    let mut todo: Vec<String> = start.to_vec();
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT l2.container FROM event_links l1 JOIN event_links l2 ON l2.event_id = l1.event_id WHERE l1.container = ?1",
    )?;
    while let Some(c) = todo.pop() {
        for other in stmt.query_map([&c], |r| r.get::<_, String>(0))? {
            let other = other?;
            if seen.insert(other.clone()) {
                todo.push(other);
            }
        }
    }
    Ok(seen.into_iter().collect())
}

/// Adds the event to the feeds of every party of its containers. An organisation that
/// becomes a party first gets the whole history of the containers (and their lineage), in
/// arrival order, so every event in a feed follows events already in it.
fn publish(conn: &Connection, e: &SignedEvent) -> Result<(), RegistryError> {
    let id = e.id.to_string();
    // An event that only begins containers has no history for a new party to catch up on.
    let fresh = e.body.links.iter().all(|l| l.prev.is_none());
    let mut candidates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in &e.body.links {
        let code = l.container.to_string();
        for org in parties(e) {
            candidates
                .entry(org.to_string())
                .or_default()
                .push(code.clone());
        }
        if l.prev.is_none() {
            // Regulators whose jurisdiction covers the producer see the container from its start.
            let div = division(&l.container);
            let mut stmt = conn.prepare_cached("SELECT credit_code FROM orgs WHERE jurisdiction IS NOT NULL AND ?1 LIKE jurisdiction || '%'")?;
            for r in stmt.query_map([&div], |r| r.get::<_, String>(0))? {
                candidates.entry(r?).or_default().push(code.clone());
            }
        }
    }
    for (org, codes) in candidates {
        let known: bool = codes.iter().try_fold(true, |all, c| {
            let is = conn
                .prepare_cached(
                    "SELECT 1 FROM container_parties WHERE container = ?1 AND org = ?2",
                )?
                .query_row(params![c, org], |_| Ok(()))
                .optional()?
                .is_some();
            Ok::<_, RegistryError>(all && is)
        })?;
        if known {
            continue;
        }
        if fresh {
            // Only new containers: their whole history is this event.
            let mut add = conn.prepare_cached(
                "INSERT OR IGNORE INTO container_parties (container, org) VALUES (?1, ?2)",
            )?;
            for c in &codes {
                add.execute(params![c, org])?;
            }
            continue;
        }
        let family = lineage(conn, &codes)?;
        let mut add = conn.prepare_cached(
            "INSERT OR IGNORE INTO container_parties (container, org) VALUES (?1, ?2)",
        )?;
        let mut history: Vec<(i64, String)> = Vec::new();
        let mut events = conn.prepare_cached(
            "SELECT e.seq, e.id FROM event_links l JOIN events e ON e.id = l.event_id WHERE l.container = ?1",
        )?;
        for c in &family {
            add.execute(params![c, org])?;
            for row in
                events.query_map([c], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            {
                history.push(row?);
            }
        }
        history.sort();
        history.dedup();
        let mut feed =
            conn.prepare_cached("INSERT OR IGNORE INTO feed (org, event_id) VALUES (?1, ?2)")?;
        for (_, event) in history {
            feed.execute(params![org, event])?;
        }
    }
    for l in &e.body.links {
        conn.prepare_cached("INSERT OR IGNORE INTO feed (org, event_id) SELECT org, ?2 FROM container_parties WHERE container = ?1")?
            .execute(params![l.container.as_str(), id])?;
    }
    Ok(())
}

pub(super) fn ingest_in(
    conn: &mut Connection,
    events: &[SignedEvent],
    pusher: &PublicKey,
    checked: bool,
    now: Timestamp,
) -> Result<Vec<PushResult>, RegistryError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(events.len());
    for e in events {
        let id = e.id.to_string();
        let exists = tx
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .query_row([&id], |_| Ok(()))
            .optional()?
            .is_some();
        if exists {
            results.push(PushResult {
                id: e.id,
                outcome: PushOutcome::Duplicate,
                reason: None,
            });
            continue;
        }
        let mut chains = BTreeMap::new();
        for l in &e.body.links {
            chains.insert(l.container.clone(), status_in(&tx, &l.container)?);
        }
        let decision = decide(e, pusher, now, checked, &chains, |k| {
            device_in(&tx, k).ok().flatten()
        });
        let result = match decision {
            Decision::Accept { after } => {
                store_event(&tx, e, pusher, now, None)?;
                let mut up = tx.prepare_cached(
                    "INSERT INTO containers (code, head, status, division) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (code) DO UPDATE SET head = excluded.head, status = excluded.status",
                )?;
                for (code, status) in &after {
                    up.execute(params![
                        code.as_str(),
                        id,
                        serde_json::to_string(status)?,
                        division(code)
                    ])?;
                }
                publish(&tx, e)?;
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Accepted,
                    reason: None,
                }
            }
            Decision::Fork { conflicts } => {
                store_event(&tx, e, pusher, now, Some(conflicts[0].1))?;
                let mut f = tx.prepare_cached("INSERT INTO forks (event_id, container, rival, flagged_at) VALUES (?1, ?2, ?3, ?4)")?;
                for (code, rival) in &conflicts {
                    f.execute(params![id, code.as_str(), rival.to_string(), now.0])?;
                }
                publish(&tx, e)?;
                let list: Vec<String> = conflicts
                    .iter()
                    .map(|(c, r)| format!("{c} (already followed by {})", r.short()))
                    .collect();
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Fork,
                    reason: Some(format!("forks the chain of {}", list.join(", "))),
                }
            }
            Decision::Refuse(reason) => {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO refused (event_id, body, signatures, reason, pushed_by, arrived_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![id, std::str::from_utf8(&e.canonical).unwrap_or_default(), serde_json::to_string(&e.signatures)?, reason, pusher.to_string(), now.0])?;
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Refused,
                    reason: Some(reason),
                }
            }
            Decision::Defer(reason) => PushResult {
                id: e.id,
                outcome: PushOutcome::Deferred,
                reason: Some(reason),
            },
        };
        results.push(result);
    }
    tx.commit()?;
    Ok(results)
}
