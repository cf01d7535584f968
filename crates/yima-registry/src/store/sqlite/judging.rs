//! What the anomaly evaluator reads and writes on SQLite, a batch of codes at a time: its
//! reads on the store's one connection, its writes in one transaction (one sync to disk
//! per batch, not per code).

use super::{entry, to_entry};
use crate::error::RegistryError;
use crate::store::audit::{new_anomaly_rows, refused_of_row, JudgeInputs, Judged};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use yima_codes::LabelCode;
use yima_core::Timestamp;

/// What judging each of `codes` reads, in their order.
pub(super) fn judge_inputs(
    c: &Connection,
    codes: Vec<LabelCode>,
) -> Result<Vec<JudgeInputs>, RegistryError> {
    let mut status = c.prepare_cached("SELECT status FROM containers WHERE code = ?1")?;
    let mut history = c.prepare_cached(
        "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM event_links l JOIN events e ON e.id = l.event_id
         WHERE l.container = ?1 ORDER BY e.seq",
    )?;
    let mut refused = c.prepare_cached(
        "SELECT event, why, at, reason FROM audit_refused WHERE container = ?1 ORDER BY at, event",
    )?;
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let sightings = super::sightings::sightings_of(c, &code)?;
        let json: Option<String> = status.query_row([code.as_str()], |r| r.get(0)).optional()?;
        let Some(json) = json else {
            out.push(JudgeInputs {
                code,
                status: None,
                history: Vec::new(),
                sightings,
                refused: Vec::new(),
            });
            continue;
        };
        let entries = history
            .query_map([code.as_str()], entry)?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(to_entry)
            .collect::<Result<Vec<_>, _>>()?;
        let rows = refused
            .query_map([code.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let refused = rows
            .into_iter()
            .map(|(e, w, at, r)| refused_of_row(&e, &w, at, r))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(JudgeInputs {
            code,
            status: Some(crate::store::status::read(&json)?),
            history: entries,
            sightings,
            refused,
        });
    }
    Ok(out)
}

/// Keeps judged containers (see `AuditStore::put_anomalies`), all in one transaction.
pub(super) fn put_anomalies(
    c: &mut Connection,
    judged: &[Judged],
    now: Timestamp,
) -> Result<Vec<LabelCode>, RegistryError> {
    put(
        c,
        judged,
        now,
        "UPDATE audit_containers SET check_at = ?3 WHERE code = ?1 AND version = ?2",
    )
}

/// As [`put_anomalies`] for sighted codes the registry holds no container of.
pub(super) fn put_sighting_anomalies(
    c: &mut Connection,
    judged: &[Judged],
    now: Timestamp,
) -> Result<Vec<LabelCode>, RegistryError> {
    put(
        c,
        judged,
        now,
        "UPDATE sighting_audit SET check_at = ?3 WHERE code = ?1 AND version = ?2
         AND NOT EXISTS (SELECT 1 FROM audit_containers c WHERE c.code = ?1)",
    )
}

/// Each code's version checked (and its next check set) by `check`; the anomalies of those
/// it kept replaced, each keeping the moment it was first found; in one transaction.
fn put(
    c: &mut Connection,
    judged: &[Judged],
    now: Timestamp,
    check: &str,
) -> Result<Vec<LabelCode>, RegistryError> {
    if judged.is_empty() {
        return Ok(Vec::new());
    }
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut kept = Vec::with_capacity(judged.len());
    {
        let mut check = tx.prepare_cached(check)?;
        let mut found_at = tx.prepare_cached(
            "SELECT rule, event, found_at FROM audit_anomalies WHERE container = ?1",
        )?;
        let mut delete = tx.prepare_cached("DELETE FROM audit_anomalies WHERE container = ?1")?;
        let mut found: HashMap<(String, String, String), i64> = HashMap::new();
        for j in judged {
            let code = j.code.as_str();
            if check.execute(params![code, j.version, j.next.map(|t| t.0)])? == 0 {
                continue;
            }
            for row in found_at.query_map([code], |r| {
                Ok(((code.to_string(), r.get(0)?, r.get(1)?), r.get(2)?))
            })? {
                let (key, at) = row?;
                found.insert(key, at);
            }
            delete.execute([code])?;
            kept.push(j.code.clone());
        }
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO audit_anomalies (container, rule, event, since, due, en, zh, found_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (container, rule, event, since, due, en, zh) in new_anomaly_rows(judged, &kept) {
            let first = found
                .get(&(container.clone(), rule.clone(), event.clone()))
                .copied()
                .unwrap_or(now.0);
            insert.execute(params![container, rule, event, since, due, en, zh, first])?;
        }
    }
    tx.commit()?;
    Ok(kept)
}
