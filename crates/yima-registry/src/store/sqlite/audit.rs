//! The audit index on SQLite: written with each push, searched and counted with the
//! statements `store::audit` builds, rebuilt once after migration 9.

use crate::error::RegistryError;
use crate::store::audit::{self, AuditRow, AuditScope, Criteria, Dialect, FactRow, Sql, SqlValue};
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use std::collections::HashMap;
use yima_codes::LabelCode;
use yima_core::Timestamp;
use yima_protocol::{
    AuditAnomalyPage, AuditContainer, AuditCount, AuditCounts, AuditGroup, AuditPage,
};

/// The migration that adds the audit index.
pub(super) const AUDIT_INDEX_MIGRATION: i64 = 9;

/// Writes a push's audit facts and summaries (in its transaction).
pub(super) fn write(
    c: &Connection,
    mut facts: Vec<FactRow>,
    rows: Vec<AuditRow>,
    recheck: Vec<String>,
) -> Result<(), RegistryError> {
    let mut stmt = c.prepare_cached(
        "UPDATE audit_containers SET version = version + 1, check_at = 0 WHERE code = ?1",
    )?;
    for code in &recheck {
        stmt.execute([code])?;
    }
    facts.sort();
    facts.dedup();
    super::ingest::insert_rows(
        c,
        "INSERT OR IGNORE INTO audit_facts (kind, value, container) VALUES",
        "(?, ?, ?)",
        "",
        &facts,
        |(k, v, code)| vec![k, v, code],
    )?;
    super::ingest::insert_rows(
        c,
        "INSERT INTO audit_containers (code, producer, waste, category, division, state, holder, first_day, manifest, first_at, last_at) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "ON CONFLICT (code) DO UPDATE SET state = excluded.state, holder = excluded.holder,
             manifest = excluded.manifest, last_at = excluded.last_at,
             version = audit_containers.version + 1, check_at = 0",
        &rows,
        |r| {
            vec![
                &r.code,
                &r.producer,
                &r.waste,
                &r.category,
                &r.division,
                &r.state,
                &r.holder,
                &r.first_day,
                &r.manifest,
                &r.first_at,
                &r.last_at,
            ]
        },
    )?;
    Ok(())
}

fn values(sql: &Sql) -> Vec<Value> {
    sql.values
        .iter()
        .map(|v| match v {
            SqlValue::Text(s) => Value::Text(s.clone()),
            SqlValue::Int(i) => Value::Integer(*i),
        })
        .collect()
}

/// One page of a search.
pub(super) fn search(
    c: &Connection,
    scope: &AuditScope,
    criteria: &Criteria,
    after: Option<&str>,
    limit: u32,
) -> Result<AuditPage, RegistryError> {
    let sql = audit::search_sql(Dialect::Sqlite, scope, criteria, after, limit);
    let mut stmt = c.prepare_cached(&sql.text)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values(&sql)), |r| {
            Ok(AuditContainer {
                code: r.get(0)?,
                producer: r.get(1)?,
                waste: r.get(2)?,
                category: r.get(3)?,
                state: r.get(4)?,
                holder: r.get(5)?,
                manifest: r.get(6)?,
                first_at: Timestamp(r.get(7)?),
                last_at: Timestamp(r.get(8)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(audit::page_of(rows, limit))
}

/// The counts of a search.
pub(super) fn counts(
    c: &Connection,
    scope: &AuditScope,
    criteria: &Criteria,
    by: AuditGroup,
) -> Result<AuditCounts, RegistryError> {
    let sql = audit::counts_sql(Dialect::Sqlite, scope, criteria, by);
    let mut stmt = c.prepare_cached(&sql.text)?;
    let groups = stmt
        .query_map(rusqlite::params_from_iter(values(&sql)), |r| {
            Ok(AuditCount {
                key: r.get(0)?,
                containers: r.get::<_, i64>(1)? as u64,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(audit::counts_of(by, groups))
}

/// Whether `code` is in `scope`.
pub(super) fn in_scope(
    c: &Connection,
    scope: &AuditScope,
    code: &LabelCode,
) -> Result<bool, RegistryError> {
    let sql = audit::in_scope_sql(Dialect::Sqlite, scope, code);
    let mut stmt = c.prepare_cached(&sql.text)?;
    Ok(stmt.exists(rusqlite::params_from_iter(values(&sql)))?)
}

/// Rebuilds the audit index from every stored event and container (after migration 9, in
/// its transaction).
pub(super) fn reindex(c: &Connection) -> Result<(), RegistryError> {
    let mut stmt = c.prepare(
        "SELECT l.container, min(e.at) FROM event_links l JOIN events e ON e.id = l.event_id
         WHERE l.prev IS NULL GROUP BY l.container",
    )?;
    let births: HashMap<String, i64> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = c.prepare("SELECT id, body, signatures FROM events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut facts = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let signatures: String = r.get(2)?;
        facts.extend(audit::facts_of_stored(&id, r.get(1)?, &signatures));
    }
    let mut stmt = c.prepare("SELECT code, status FROM containers ORDER BY code")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let status: String = r.get(1)?;
        if let Some(row) = audit::summary_of_stored(&code, &status, &births) {
            out.push(row);
        }
    }
    write(c, facts, out, Vec::new())
}

/// One page of anomalies.
pub(super) fn anomalies(
    c: &Connection,
    scope: &AuditScope,
    criteria: &Criteria,
    rule: Option<&str>,
    after: Option<&str>,
    limit: u32,
) -> Result<AuditAnomalyPage, RegistryError> {
    let sql = audit::anomalies_sql(Dialect::Sqlite, scope, criteria, rule, after, limit);
    let mut stmt = c.prepare_cached(&sql.text)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values(&sql)), |r| {
            Ok(audit::anomaly_of_row((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            )))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(audit::anomaly_page_of(rows, limit))
}

/// The containers due to be judged at `now`.
pub(super) fn due(
    c: &Connection,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
    let mut stmt = c.prepare_cached(
        "SELECT code, version FROM audit_containers WHERE check_at <= ?1 ORDER BY check_at LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![now.0, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(code, v)| Ok((crate::store::parse("container code", &code)?, v)))
        .collect()
}
