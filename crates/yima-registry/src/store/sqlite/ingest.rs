//! The SQLite store's ingest: in one transaction, read what deciding needs, decide every
//! event with the shared rules ([`batch::decide_push`]), then write each table with
//! multi-row statements.

use super::enrol::device_in;
use crate::error::RegistryError;
use crate::signatures::SignatureCheck;
use crate::store::batch::{self, EventRow, FeedItem, Known, Writes};
use crate::store::{refused_to_keep, status};
use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashSet;
use yima_core::{PublicKey, SignedEvent, Timestamp};
use yima_protocol::PushResult;

/// Rows per multi-row `INSERT` (its statement is prepared once and cached; the remainder
/// goes in one more statement).
const ROWS: usize = 100;

pub(super) fn ingest_in(
    conn: &mut Connection,
    events: &[SignedEvent],
    pusher: &PublicKey,
    signatures: SignatureCheck,
    now: Timestamp,
    quota: u64,
) -> Result<Vec<PushResult>, RegistryError> {
    let assumed = signatures.assumed();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let results = ingest_tx(&tx, events, pusher, assumed, now, quota)?;
    if assumed && !signatures.passed_blocking() {
        // Some signature does not verify: decide again, one signature at a time.
        tx.rollback()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let results = ingest_tx(&tx, events, pusher, false, now, quota)?;
        tx.commit()?;
        return Ok(results);
    }
    tx.commit()?;
    Ok(results)
}

fn ingest_tx(
    tx: &Transaction<'_>,
    events: &[SignedEvent],
    pusher: &PublicKey,
    checked: bool,
    now: Timestamp,
    quota: u64,
) -> Result<Vec<PushResult>, RegistryError> {
    let mut known = Known::default();
    let mut stmt = tx.prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
    for e in events {
        let id = e.id.to_string();
        if stmt.exists([&id])? {
            known.stored.insert(id);
        }
    }
    let codes = batch::containers(events);
    let mut stmt = tx.prepare_cached("SELECT status FROM containers WHERE code = ?1")?;
    for code in &codes {
        let json: Option<String> = stmt.query_row([code], |r| r.get(0)).optional()?;
        if let Some(json) = json {
            known.statuses.insert(code.clone(), status::read(&json)?);
        }
    }
    let mut stmt = tx.prepare_cached("SELECT org FROM container_parties WHERE container = ?1")?;
    for code in &codes {
        let orgs = stmt
            .query_map([code], |r| r.get::<_, String>(0))?
            .collect::<Result<std::collections::BTreeSet<_>, _>>()?;
        if !orgs.is_empty() {
            known.parties.insert(code.clone(), orgs);
        }
    }
    for key in batch::signers(events) {
        if let Some(d) = device_in(tx, &key)? {
            known.devices.insert(key, d);
        }
    }
    if batch::begins_containers(events) {
        known.regulators = tx
            .prepare_cached(
                "SELECT credit_code, jurisdiction FROM orgs WHERE jurisdiction IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
    }
    let (results, w) = batch::decide_push(events, pusher, now, checked, known)?;
    write(tx, w, pusher, now, quota)?;
    Ok(results)
}

/// Inserts `rows` with statements of up to [`ROWS`] rows each: `head` is the statement up
/// to `VALUES`, `row` one row's anonymous placeholders, `tail` what follows the values.
pub(super) fn insert_rows<'a, R>(
    tx: &Connection,
    head: &str,
    row: &str,
    tail: &str,
    rows: &'a [R],
    bind: impl Fn(&'a R) -> Vec<&'a dyn ToSql>,
) -> Result<(), RegistryError> {
    for chunk in rows.chunks(ROWS) {
        let sql = format!("{head} {} {tail}", vec![row; chunk.len()].join(", "));
        let values: Vec<&dyn ToSql> = chunk.iter().flat_map(&bind).collect();
        tx.prepare_cached(&sql)?.execute(values.as_slice())?;
    }
    Ok(())
}

fn write(
    tx: &Transaction<'_>,
    mut w: Writes,
    pusher: &PublicKey,
    now: Timestamp,
    quota: u64,
) -> Result<(), RegistryError> {
    let pusher = &pusher.to_string();
    let now = &now.0;
    // In the order decided, each taking the seq `AUTOINCREMENT` would give it (the write
    // transaction excludes every other writer), so the feed rows can name them.
    let last: i64 = tx
        .prepare_cached(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), coalesce((SELECT max(seq) FROM events), 0))",
        )?
        .query_row([], |r| r.get(0))?;
    let seqs: Vec<i64> = (1..=w.events.len() as i64).map(|i| last + i).collect();
    let rows: Vec<(&i64, &EventRow)> = seqs.iter().zip(&w.events).collect();
    insert_rows(
        tx,
        "INSERT INTO events (seq, id, body, signatures, step, at, recorder, recorder_org, arrived_at, pushed_by, fork_of) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "",
        &rows,
        move |(seq, e)| {
            vec![
                *seq,
                &e.id,
                &e.body,
                &e.signatures,
                &e.step,
                &e.at,
                &e.recorder,
                &e.recorder_org,
                now,
                pusher,
                &e.fork_of,
            ]
        },
    )?;
    insert_rows(
        tx,
        "INSERT INTO event_links (event_id, container, prev) VALUES",
        "(?, ?, ?)",
        "",
        &w.links,
        |(e, c, p)| vec![e, c, p],
    )?;
    insert_rows(
        tx,
        "INSERT INTO forks (event_id, container, rival, flagged_at) VALUES",
        "(?, ?, ?, ?)",
        "",
        &w.forks,
        move |(e, c, r)| vec![e, c, r, now],
    )?;
    if !w.refused.is_empty() {
        // Counted, and the row locked for this transaction, before deciding how many to keep.
        let kept: i64 = tx
            .prepare_cached(
                "INSERT INTO refused_tally (pushed_by, refused, kept, last_at) VALUES (?1, ?2, 0, ?3)
                 ON CONFLICT (pushed_by) DO UPDATE SET refused = refused + excluded.refused, last_at = excluded.last_at
                 RETURNING kept",
            )?
            .query_row(params![pusher, w.refused.len() as i64, now], |r| r.get(0))?;
        let keep = refused_to_keep(w.refused.len(), kept as u64, quota);
        w.refused.truncate(keep);
        tx.prepare_cached("UPDATE refused_tally SET kept = kept + ?2 WHERE pushed_by = ?1")?
            .execute(params![pusher, keep as i64])?;
    }
    // The refused events' anomalies, of those kept whole.
    let kept: HashSet<&str> = w.refused.iter().map(|r| r.0.as_str()).collect();
    let refused_links: Vec<&batch::RefusedLink> = w
        .refused_links
        .iter()
        .filter(|l| kept.contains(l.1.as_str()))
        .collect();
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO audit_refused (container, event, why, at, reason) VALUES",
        "(?, ?, ?, ?, ?)",
        "",
        &refused_links,
        |(c, e, why, at, r)| vec![c, e, why, at, r],
    )?;
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO refused (event_id, body, signatures, reason, pushed_by, arrived_at) VALUES",
        "(?, ?, ?, ?, ?, ?)",
        "",
        &w.refused,
        move |(i, b, s, r)| vec![i, b, s, r, pusher, now],
    )?;
    insert_rows(
        tx,
        "INSERT INTO containers (code, head, status, division) VALUES",
        "(?, ?, ?, ?)",
        "ON CONFLICT (code) DO UPDATE SET head = excluded.head, status = excluded.status",
        &w.containers,
        |(c, h, s, d)| vec![c, h, s, d],
    )?;
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO container_parties (container, org) VALUES",
        "(?, ?)",
        "",
        &w.parties,
        |(c, o)| vec![c, o],
    )?;
    super::audit::write(
        tx,
        std::mem::take(&mut w.facts),
        std::mem::take(&mut w.audit),
        std::mem::take(&mut w.recheck),
    )?;
    write_feed(tx, w.feed, &seqs)
}

/// Containers that share an event with `start`, transitively (merge/split lineage,
/// multi-container events), with `start`: a new party must see all of them to follow any
/// one chain.
fn lineage(tx: &Transaction<'_>, start: &str) -> Result<Vec<String>, RegistryError> {
    let mut seen: std::collections::BTreeSet<String> = [start.to_string()].into();
    let mut todo = vec![start.to_string()];
    let mut stmt = tx.prepare_cached(
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

fn write_feed(
    tx: &Transaction<'_>,
    items: Vec<FeedItem>,
    seqs: &[i64],
) -> Result<(), RegistryError> {
    // This push's events and links are already written, so a backfill finds the whole
    // history of the container and its lineage, in arrival order: every event in a feed
    // then follows the events it links to.
    let mut seen = HashSet::new();
    let mut rows: Vec<(String, i64)> = Vec::new();
    let mut parties: Vec<(String, String)> = Vec::new();
    let mut add = |org: &String, event: i64| {
        if seen.insert((org.clone(), event)) {
            rows.push((org.clone(), event));
        }
    };
    for item in &items {
        match item {
            FeedItem::One { org, event } => add(org, seqs[*event]),
            FeedItem::Backfill { org, container } => {
                let family = lineage(tx, container)?;
                let mut history: Vec<i64> = Vec::new();
                let mut stmt = tx.prepare_cached(
                    "SELECT e.seq FROM event_links l JOIN events e ON e.id = l.event_id WHERE l.container = ?1",
                )?;
                for c in &family {
                    parties.push((c.clone(), org.clone()));
                    for row in stmt.query_map([c], |r| r.get(0))? {
                        history.push(row?);
                    }
                }
                history.sort_unstable();
                history.dedup();
                for event in history {
                    add(org, event);
                }
            }
        }
    }
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO container_parties (container, org) VALUES",
        "(?, ?)",
        "",
        &parties,
        |(c, o)| vec![c, o],
    )?;
    // OR IGNORE: an event already in an organisation's feed from an earlier push.
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO feed (org, event_seq) VALUES",
        "(?, ?)",
        "",
        &rows,
        |(o, e)| vec![o, e],
    )?;
    Ok(())
}
