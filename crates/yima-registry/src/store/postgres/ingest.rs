//! The PostgreSQL store's ingest: lock the containers of a push, decide every event with
//! the shared rules, then write each table with one statement.

use super::{to_device, DEVICE_SELECT};
use crate::error::RegistryError;
use crate::ingest::{decide, parties, Decision};
use crate::store::division;
use deadpool_postgres::GenericClient;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use yima_codes::LabelCode;
use yima_core::{ContainerStatus, PublicKey, SignedEvent, Timestamp};
use yima_protocol::{PushOutcome, PushResult};

/// The advisory lock key of a container: 64 bits of the SHA-256 of its code. Two codes
/// sharing a key only wait for each other needlessly.
fn lock_key(code: &LabelCode) -> i64 {
    let h = Sha256::digest(code.as_str().as_bytes());
    i64::from_be_bytes(h[..8].try_into().expect("8 bytes"))
}

/// A feed row to write, in order: one event, or the whole history of a container and its
/// lineage (when an organisation becomes a party to it).
enum FeedItem {
    One { org: String, event: String },
    Backfill { org: String, container: String },
}

/// What one push writes, gathered while deciding and written table by table at the end.
#[derive(Default)]
struct Writes {
    ids: Vec<String>,
    bodies: Vec<String>,
    signatures: Vec<String>,
    steps: Vec<String>,
    ats: Vec<i64>,
    recorders: Vec<String>,
    recorder_orgs: Vec<String>,
    fork_ofs: Vec<Option<String>>,
    link_events: Vec<String>,
    link_containers: Vec<String>,
    link_prevs: Vec<Option<String>>,
    fork_events: Vec<String>,
    fork_containers: Vec<String>,
    fork_rivals: Vec<String>,
    refused: Vec<(String, String, String, String)>,
    parties: Vec<(String, String)>,
    feed: Vec<FeedItem>,
}

/// What the push knows of the containers it touches: read once under their locks, then
/// kept up to date in memory as events are decided.
struct Containers {
    statuses: HashMap<String, ContainerStatus>,
    changed: BTreeSet<String>,
    parties: HashMap<String, BTreeSet<String>>,
    /// Events stored by this push, per container, in order.
    pushed: HashMap<String, Vec<String>>,
    /// Regulators (credit code, jurisdiction), read when a container begins.
    regulators: Option<Vec<(String, String)>>,
}

impl Writes {
    fn store_event(
        &mut self,
        e: &SignedEvent,
        fork_of: Option<String>,
        known: &mut Containers,
    ) -> Result<(), RegistryError> {
        let id = e.id.to_string();
        self.ids.push(id.clone());
        self.bodies.push(
            std::str::from_utf8(&e.canonical)
                .unwrap_or_default()
                .to_string(),
        );
        self.signatures.push(serde_json::to_string(&e.signatures)?);
        self.steps.push(e.body.step().as_str().to_string());
        self.ats.push(e.body.at.0);
        self.recorders.push(e.body.by.key.to_string());
        self.recorder_orgs.push(e.body.by.org.to_string());
        self.fork_ofs.push(fork_of);
        for l in &e.body.links {
            self.link_events.push(id.clone());
            self.link_containers.push(l.container.to_string());
            self.link_prevs.push(l.prev.map(|p| p.to_string()));
            known
                .pushed
                .entry(l.container.to_string())
                .or_default()
                .push(id.clone());
        }
        Ok(())
    }

    /// Adds the event to the feeds of every party of its containers, backfilling new
    /// parties: the same as the SQLite store's `publish`.
    async fn publish(
        &mut self,
        tx: &impl GenericClient,
        e: &SignedEvent,
        known: &mut Containers,
    ) -> Result<(), RegistryError> {
        let id = e.id.to_string();
        let new_parties: Vec<String> = parties(e).iter().map(|o| o.to_string()).collect();
        let fresh = e.body.links.iter().all(|l| l.prev.is_none());
        for l in &e.body.links {
            let code = l.container.to_string();
            let mut parties_for = new_parties.clone();
            if l.prev.is_none() {
                // Regulators whose jurisdiction covers the producer see the container from its start.
                if known.regulators.is_none() {
                    let stmt = tx.prepare_cached("SELECT credit_code, jurisdiction FROM orgs WHERE jurisdiction IS NOT NULL").await?;
                    let rows = tx.query(&stmt, &[]).await?;
                    known.regulators = Some(rows.iter().map(|r| (r.get(0), r.get(1))).collect());
                }
                let div = division(&l.container);
                let regulators = known.regulators.as_deref().unwrap_or_default();
                parties_for.extend(
                    regulators
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
                    event: id.clone(),
                });
            }
        }
        Ok(())
    }
}

pub(super) async fn ingest_in(
    client: &mut deadpool_postgres::Object,
    events: &[SignedEvent],
    pusher: &PublicKey,
    checked: bool,
    now: Timestamp,
) -> Result<Vec<PushResult>, RegistryError> {
    let tx = client.transaction().await?;

    // Lock every container of the push, in one order for everyone.
    let codes: BTreeSet<String> = events
        .iter()
        .flat_map(|e| e.body.links.iter().map(|l| l.container.to_string()))
        .collect();
    let codes: Vec<String> = codes.into_iter().collect();
    let mut keys: Vec<i64> = events
        .iter()
        .flat_map(|e| e.body.links.iter().map(|l| lock_key(&l.container)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let stmt = tx
        .prepare_cached("SELECT pg_advisory_xact_lock(u.k) FROM unnest($1::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY u.n")
        .await?;
    tx.execute(&stmt, &[&keys]).await?;

    // Read what the decisions need, now that no one else can change it.
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let stmt = tx
        .prepare_cached("SELECT id FROM events WHERE id = ANY($1::text[])")
        .await?;
    let mut stored: HashSet<String> = tx
        .query(&stmt, &[&ids])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();

    let stmt = tx
        .prepare_cached("SELECT code, status FROM containers WHERE code = ANY($1::text[])")
        .await?;
    let mut statuses = HashMap::new();
    for r in tx.query(&stmt, &[&codes]).await? {
        statuses.insert(
            r.get::<_, String>(0),
            serde_json::from_str::<ContainerStatus>(r.get(1))?,
        );
    }

    let stmt = tx
        .prepare_cached(
            "SELECT container, org FROM container_parties WHERE container = ANY($1::text[])",
        )
        .await?;
    let mut parties_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    for r in tx.query(&stmt, &[&codes]).await? {
        parties_of.entry(r.get(0)).or_default().insert(r.get(1));
    }

    let signers: BTreeSet<String> = events
        .iter()
        .flat_map(|e| std::iter::once(e.body.by.key).chain(e.body.event.giver().map(|g| g.key)))
        .map(|k| k.to_string())
        .collect();
    let signers: Vec<String> = signers.into_iter().collect();
    let stmt = tx
        .prepare_cached(&format!(
            "{DEVICE_SELECT} WHERE d.public_key = ANY($1::text[])"
        ))
        .await?;
    let mut devices = HashMap::new();
    for r in tx.query(&stmt, &[&signers]).await? {
        let d = to_device(&r)?;
        devices.insert(d.key, d);
    }

    let mut known = Containers {
        statuses,
        changed: BTreeSet::new(),
        parties: parties_of,
        pushed: HashMap::new(),
        regulators: None,
    };
    let mut w = Writes::default();
    let mut refused_ids = HashSet::new();
    let mut results = Vec::with_capacity(events.len());
    for e in events {
        let id = e.id.to_string();
        if stored.contains(&id) {
            results.push(PushResult {
                id: e.id,
                outcome: PushOutcome::Duplicate,
                reason: None,
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
        let decision = decide(e, pusher, now, checked, &chains, |k| {
            devices.get(k).cloned()
        });
        let result = match decision {
            Decision::Accept { after } => {
                w.store_event(e, None, &mut known)?;
                stored.insert(id);
                for (code, status) in after {
                    known.changed.insert(code.to_string());
                    known.statuses.insert(code.to_string(), status);
                }
                w.publish(&tx, e, &mut known).await?;
                PushResult {
                    id: e.id,
                    outcome: PushOutcome::Accepted,
                    reason: None,
                }
            }
            Decision::Fork { conflicts } => {
                w.store_event(e, Some(conflicts[0].1.to_string()), &mut known)?;
                stored.insert(id.clone());
                for (code, rival) in &conflicts {
                    w.fork_events.push(id.clone());
                    w.fork_containers.push(code.to_string());
                    w.fork_rivals.push(rival.to_string());
                }
                w.publish(&tx, e, &mut known).await?;
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
                // The first reason is kept, as it is by the SQLite store.
                if refused_ids.insert(id.clone()) {
                    let body = std::str::from_utf8(&e.canonical)
                        .unwrap_or_default()
                        .to_string();
                    w.refused.push((
                        id,
                        body,
                        serde_json::to_string(&e.signatures)?,
                        reason.clone(),
                    ));
                }
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

    write(&tx, w, known, pusher, now).await?;
    tx.commit().await?;
    Ok(results)
}

async fn write(
    tx: &deadpool_postgres::Transaction<'_>,
    w: Writes,
    known: Containers,
    pusher: &PublicKey,
    now: Timestamp,
) -> Result<(), RegistryError> {
    if !w.ids.is_empty() {
        // WITH ORDINALITY … ORDER BY: events take their seqs in the order they were decided.
        let stmt = tx
            .prepare_cached(
                "INSERT INTO events (id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of)
                 SELECT u.id, u.body, u.signatures, u.step, u.at, u.recorder, u.recorder_org, $9::bigint, $10::text, u.fork_of
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
                      WITH ORDINALITY AS u(id, body, signatures, step, at, recorder, recorder_org, fork_of, n)
                 ORDER BY u.n",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &w.ids,
                &w.bodies,
                &w.signatures,
                &w.steps,
                &w.ats,
                &w.recorders,
                &w.recorder_orgs,
                &w.fork_ofs,
                &now.0,
                &pusher.to_string(),
            ],
        )
        .await?;
        let stmt = tx
            .prepare_cached(
                "INSERT INTO event_links (event_id, container, prev) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
            )
            .await?;
        tx.execute(&stmt, &[&w.link_events, &w.link_containers, &w.link_prevs])
            .await?;
    }
    if !w.fork_events.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO forks (event_id, container, rival, flagged_at)
                 SELECT u.e, u.c, u.r, $4::bigint FROM unnest($1::text[], $2::text[], $3::text[]) AS u(e, c, r)",
            )
            .await?;
        tx.execute(
            &stmt,
            &[&w.fork_events, &w.fork_containers, &w.fork_rivals, &now.0],
        )
        .await?;
    }
    if !w.refused.is_empty() {
        let (mut ids, mut bodies, mut sigs, mut reasons) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, b, s, r) in w.refused {
            ids.push(i);
            bodies.push(b);
            sigs.push(s);
            reasons.push(r);
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO refused (event_id, body, signatures, reason, pushed_by, arrived_at)
                 SELECT u.i, u.b, u.s, u.r, $5::text, $6::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(i, b, s, r)
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .await?;
        tx.execute(
            &stmt,
            &[&ids, &bodies, &sigs, &reasons, &pusher.to_string(), &now.0],
        )
        .await?;
    }
    if !known.changed.is_empty() {
        let (mut codes, mut heads, mut statuses, mut divisions) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for code in &known.changed {
            let status = &known.statuses[code];
            codes.push(code.clone());
            heads.push(status.head.to_string());
            statuses.push(serde_json::to_string(status)?);
            divisions.push(division(&status.label.code));
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO containers (code, head, status, division) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                 ON CONFLICT (code) DO UPDATE SET head = excluded.head, status = excluded.status",
            )
            .await?;
        tx.execute(&stmt, &[&codes, &heads, &statuses, &divisions])
            .await?;
    }
    if !w.parties.is_empty() {
        let (codes, orgs): (Vec<String>, Vec<String>) = w.parties.into_iter().unzip();
        let stmt = tx
            .prepare_cached(
                "INSERT INTO container_parties (container, org) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&codes, &orgs]).await?;
    }
    if !w.feed.is_empty() {
        write_feed(tx, w.feed).await?;
    }
    Ok(())
}

async fn write_feed(
    tx: &deadpool_postgres::Transaction<'_>,
    items: Vec<FeedItem>,
) -> Result<(), RegistryError> {
    // This push's events and links are already written, so one query per new party gives
    // the whole history of the container and of every container sharing an event with it
    // (merge/split lineage, multi-container events), in arrival order: every event in a
    // feed then follows the events it links to.
    let family_stmt = tx
        .prepare_cached(
            "WITH RECURSIVE fam(c) AS (
                 SELECT $1::text
                 UNION
                 SELECT l2.container FROM fam JOIN event_links l1 ON l1.container = fam.c
                 JOIN event_links l2 ON l2.event_id = l1.event_id
             )
             SELECT e.id, array_agg(DISTINCT l.container) FROM event_links l JOIN events e ON e.id = l.event_id
             WHERE l.container IN (SELECT c FROM fam) GROUP BY e.id, e.seq ORDER BY e.seq",
        )
        .await?;
    // Rows are written only where missing (an event may reach an organisation's feed
    // through two containers), each once, in order.
    let mut seen = HashSet::new();
    let (mut orgs, mut events) = (Vec::new(), Vec::new());
    let (mut party_codes, mut party_orgs) = (Vec::new(), Vec::new());
    let mut add = |org: &String, event: &String| {
        if seen.insert((org.clone(), event.clone())) {
            orgs.push(org.clone());
            events.push(event.clone());
        }
    };
    for item in &items {
        match item {
            FeedItem::One { org, event } => add(org, event),
            FeedItem::Backfill { org, container } => {
                for row in tx.query(&family_stmt, &[container]).await? {
                    let event: String = row.get(0);
                    let containers: Vec<String> = row.get(1);
                    add(org, &event);
                    for c in containers {
                        party_codes.push(c);
                        party_orgs.push(org.clone());
                    }
                }
            }
        }
    }
    if !party_codes.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO container_parties (container, org) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&party_codes, &party_orgs]).await?;
    }
    // Locked until commit: the next push waits here, so seqs become visible in order.
    let stmt = tx
        .prepare_cached("SELECT last_seq FROM feed_head WHERE id = 1 FOR UPDATE")
        .await?;
    let last: i64 = tx.query_one(&stmt, &[]).await?.get(0);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO feed (seq, org, event_id)
             SELECT $3::bigint + row_number() OVER (ORDER BY u.n), u.org, u.event_id
             FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(org, event_id, n)
             WHERE NOT EXISTS (SELECT 1 FROM feed f WHERE f.org = u.org AND f.event_id = u.event_id)",
        )
        .await?;
    let added = tx.execute(&stmt, &[&orgs, &events, &last]).await?;
    let stmt = tx
        .prepare_cached("UPDATE feed_head SET last_seq = $1 WHERE id = 1")
        .await?;
    tx.execute(&stmt, &[&(last + added as i64)]).await?;
    Ok(())
}
