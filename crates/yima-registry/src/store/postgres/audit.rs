//! The audit index on PostgreSQL: written with each push, searched and counted with the
//! statements `store::audit` builds, rebuilt once after migration 9.

use super::ingest::{columns3, insert_or_upsert, part};
use crate::error::RegistryError;
use crate::store::audit::{self, AuditRow, AuditScope, Criteria, Dialect, FactRow, Sql, SqlValue};
use deadpool_postgres::GenericClient;
use std::collections::{HashMap, HashSet};
use tokio_postgres::types::ToSql;
use yima_codes::LabelCode;
use yima_core::Timestamp;
use yima_protocol::{
    AuditAnomalyPage, AuditContainer, AuditCount, AuditCounts, AuditGroup, AuditPage,
};

/// Writes a push's audit facts and summaries (in its transaction): those of `fresh`
/// containers (which no stored event linked before) without an upsert's conflict check.
pub(super) async fn write(
    tx: &impl GenericClient,
    mut facts: Vec<FactRow>,
    rows: Vec<AuditRow>,
    recheck: Vec<String>,
    fresh: &HashSet<String>,
) -> Result<(), RegistryError> {
    if !recheck.is_empty() {
        let stmt = tx
            .prepare_cached(
                "UPDATE audit_containers SET version = version + 1, check_at = 0 WHERE code = ANY($1::text[])",
            )
            .await?;
        tx.execute(&stmt, &[&recheck]).await?;
    }
    facts.sort();
    facts.dedup();
    let (new, old) = part(facts, fresh, |f| &f.2);
    let counts = (new.len(), old.len());
    let (a, b, c) = columns3(new);
    let (d, e, f) = columns3(old);
    let (fresh_facts, other_facts): ([&(dyn ToSql + Sync); 3], [&(dyn ToSql + Sync); 3]) =
        ([&a, &b, &c], [&d, &e, &f]);
    let write_facts = insert_or_upsert(
        tx,
        "INSERT INTO audit_facts (kind, value, container) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
        "INSERT INTO audit_facts (kind, value, container) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         ON CONFLICT DO NOTHING",
        &fresh_facts,
        &other_facts,
        counts,
    );
    let (new, old) = part(rows, fresh, |r| &r.code);
    let counts = (new.len(), old.len());
    let new = summary_columns(new);
    let old = summary_columns(old);
    let (new_params, old_params) = (new.params(), old.params());
    const COLUMNS: &str = "INSERT INTO audit_containers (code, producer, waste, category, division, state, holder, first_day, manifest, first_at, last_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[])";
    let upsert = format!(
        "{COLUMNS}
             ON CONFLICT (code) DO UPDATE SET state = excluded.state, holder = excluded.holder,
                 manifest = excluded.manifest, last_at = excluded.last_at,
                 version = audit_containers.version + 1, check_at = 0"
    );
    let write_summaries = insert_or_upsert(tx, COLUMNS, &upsert, &new_params, &old_params, counts);
    tokio::try_join!(write_facts, write_summaries)?;
    Ok(())
}

/// Audit summaries as the arrays `unnest` takes.
struct SummaryColumns {
    text: [Vec<String>; 8],
    manifests: Vec<Option<String>>,
    firsts: Vec<i64>,
    lasts: Vec<i64>,
}

impl SummaryColumns {
    fn params(&self) -> [&(dyn ToSql + Sync); 11] {
        let [a, b, c, d, e, f, g, h] = &self.text;
        [
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            &self.manifests,
            &self.firsts,
            &self.lasts,
        ]
    }
}

fn summary_columns(rows: Vec<AuditRow>) -> SummaryColumns {
    let n = rows.len();
    let mut cols = SummaryColumns {
        text: Default::default(),
        manifests: Vec::with_capacity(n),
        firsts: Vec::with_capacity(n),
        lasts: Vec::with_capacity(n),
    };
    for r in rows {
        for (col, v) in cols.text.iter_mut().zip([
            r.code,
            r.producer,
            r.waste,
            r.category,
            r.division,
            r.state,
            r.holder,
            r.first_day,
        ]) {
            col.push(v);
        }
        cols.manifests.push(r.manifest);
        cols.firsts.push(r.first_at);
        cols.lasts.push(r.last_at);
    }
    cols
}

fn bound(sql: &Sql) -> Vec<Box<dyn ToSql + Sync + Send>> {
    sql.values
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync + Send> {
            match v {
                SqlValue::Text(s) => Box::new(s.clone()),
                SqlValue::Int(i) => Box::new(*i),
            }
        })
        .collect()
}

async fn query(
    c: &impl GenericClient,
    sql: &Sql,
) -> Result<Vec<tokio_postgres::Row>, RegistryError> {
    let values = bound(sql);
    let refs: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let stmt = c.prepare_cached(&sql.text).await?;
    Ok(c.query(&stmt, &refs).await?)
}

/// One page of a search.
pub(super) async fn search(
    c: &impl GenericClient,
    scope: &AuditScope,
    criteria: &Criteria,
    after: Option<&str>,
    limit: u32,
) -> Result<AuditPage, RegistryError> {
    let sql = audit::search_sql(Dialect::Postgres, scope, criteria, after, limit);
    let rows = query(c, &sql)
        .await?
        .iter()
        .map(|r| AuditContainer {
            code: r.get(0),
            producer: r.get(1),
            waste: r.get(2),
            category: r.get(3),
            state: r.get(4),
            holder: r.get(5),
            manifest: r.get(6),
            first_at: Timestamp(r.get(7)),
            last_at: Timestamp(r.get(8)),
        })
        .collect();
    Ok(audit::page_of(rows, limit))
}

/// The counts of a search.
pub(super) async fn counts(
    c: &impl GenericClient,
    scope: &AuditScope,
    criteria: &Criteria,
    by: AuditGroup,
) -> Result<AuditCounts, RegistryError> {
    let sql = audit::counts_sql(Dialect::Postgres, scope, criteria, by);
    let groups: Vec<AuditCount> = query(c, &sql)
        .await?
        .iter()
        .map(|r| AuditCount {
            key: r.get(0),
            containers: r.get::<_, i64>(1) as u64,
        })
        .collect();
    Ok(audit::counts_of(by, groups))
}

/// Whether `code` is in `scope`.
pub(super) async fn in_scope(
    c: &impl GenericClient,
    scope: &AuditScope,
    code: &LabelCode,
) -> Result<bool, RegistryError> {
    let sql = audit::in_scope_sql(Dialect::Postgres, scope, code);
    Ok(!query(c, &sql).await?.is_empty())
}

/// Events read per round while rebuilding.
const REINDEX_PAGE: i64 = 5000;

/// Rebuilds the audit index from every stored event and container (after migration 9, in
/// its transaction).
pub(super) async fn reindex(tx: &impl GenericClient) -> Result<(), RegistryError> {
    // Each container's birth: when the event that began it happened. Two statements with no
    // join, which the schema of every version from 9 on answers, on Citus too.
    let begun_at: HashMap<String, i64> = tx
        .query(
            "SELECT id, at FROM events WHERE id IN (SELECT event_id FROM event_links WHERE prev IS NULL)",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut births: HashMap<String, i64> = HashMap::new();
    for r in tx
        .query(
            "SELECT container, event_id FROM event_links WHERE prev IS NULL",
            &[],
        )
        .await?
    {
        let (container, event): (String, &str) = (r.get(0), r.get(1));
        if let Some(at) = begun_at.get(event) {
            let birth = births.entry(container).or_insert(*at);
            *birth = (*birth).min(*at);
        }
    }
    let mut after = 0i64;
    loop {
        let rows = tx
            .query(
                "SELECT seq, id, body, signatures FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &REINDEX_PAGE],
            )
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.get(0);
        let mut facts = Vec::new();
        for r in &rows {
            facts.extend(audit::facts_of_stored(r.get(1), r.get(2), r.get(3)));
        }
        write(tx, facts, Vec::new(), Vec::new(), &HashSet::new()).await?;
    }
    let mut after = String::new();
    loop {
        let rows = tx
            .query(
                "SELECT code, status FROM containers WHERE code > $1 ORDER BY code LIMIT $2",
                &[&after, &REINDEX_PAGE],
            )
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.get(0);
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let code: String = r.get(0);
            if let Some(row) = audit::summary_of_stored(&code, r.get(1), &births) {
                out.push(row);
            }
        }
        write(tx, Vec::new(), out, Vec::new(), &HashSet::new()).await?;
    }
    Ok(())
}

/// One page of anomalies.
pub(super) async fn anomalies(
    c: &impl GenericClient,
    scope: &AuditScope,
    criteria: &Criteria,
    rule: Option<&str>,
    after: Option<&str>,
    limit: u32,
) -> Result<AuditAnomalyPage, RegistryError> {
    let sql = audit::anomalies_sql(Dialect::Postgres, scope, criteria, rule, after, limit);
    let rows = query(c, &sql)
        .await?
        .iter()
        .map(|r| {
            audit::anomaly_of_row((
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            ))
        })
        .collect();
    Ok(audit::anomaly_page_of(rows, limit))
}

/// The containers due to be judged at `now`.
pub(super) async fn due(
    c: &impl GenericClient,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<(LabelCode, i64)>, RegistryError> {
    let stmt = c
        .prepare_cached(
            "SELECT code, version FROM audit_containers WHERE check_at <= $1 ORDER BY check_at LIMIT $2",
        )
        .await?;
    c.query(&stmt, &[&now.0, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| Ok((crate::store::parse("container code", r.get(0))?, r.get(1))))
        .collect()
}
