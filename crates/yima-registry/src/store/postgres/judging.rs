//! What the anomaly evaluator reads and writes on PostgreSQL, a batch of codes at a time:
//! its reads pipelined on one connection, its writes in one transaction. Each statement
//! names the distribution column of the one table it reads or writes (on Citus it goes to
//! those codes' shards), and none joins tables distributed by different keys.

use super::feed;
use crate::error::RegistryError;
use crate::store::audit::{new_anomaly_rows, refused_of_row, JudgeInputs, Judged};
use crate::store::sightings::sighting_of_row;
use deadpool_postgres::GenericClient;
use std::collections::{HashMap, HashSet};
use tokio_postgres::types::ToSql;
use yima_codes::LabelCode;
use yima_core::Timestamp;
use yima_protocol::FeedEntry;

/// What judging each of `codes` reads, in their order: statuses, links, sightings and
/// refused events in one pipelined round, then the linked events in one more.
pub(super) async fn judge_inputs(
    c: &impl GenericClient,
    codes: Vec<LabelCode>,
) -> Result<Vec<JudgeInputs>, RegistryError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<&str> = codes.iter().map(LabelCode::as_str).collect();
    let (statuses, links, sightings, refused) = tokio::try_join!(
        c.prepare_cached("SELECT code, status FROM containers WHERE code = ANY($1::text[])"),
        c.prepare_cached(
            "SELECT container, home, seq FROM event_links WHERE container = ANY($1::text[])"
        ),
        c.prepare_cached(
            "SELECT code, at, org, device, lat_e7, lon_e7, accuracy_m, seal FROM sightings
             WHERE code = ANY($1::text[]) ORDER BY code, at, org, device",
        ),
        c.prepare_cached(
            "SELECT container, event, why, at, reason FROM audit_refused
             WHERE container = ANY($1::text[]) ORDER BY container, at, event",
        ),
    )?;
    let params: [&(dyn ToSql + Sync); 1] = [&texts];
    let (statuses, links, sightings, refused) = tokio::try_join!(
        c.query(&statuses, &params),
        c.query(&links, &params),
        c.query(&sightings, &params),
        c.query(&refused, &params),
    )?;
    let mut out: Vec<JudgeInputs> = codes
        .into_iter()
        .map(|code| JudgeInputs {
            code,
            status: None,
            history: Vec::new(),
            sightings: Vec::new(),
            refused: Vec::new(),
        })
        .collect();
    let at: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.to_string(), i))
        .collect();
    let slot = |code: &str| at.get(code).copied();
    for r in &statuses {
        if let Some(i) = slot(r.get(0)) {
            out[i].status = Some(crate::store::status::read(r.get::<_, &str>(1))?);
        }
    }
    for r in &sightings {
        if let Some(i) = slot(r.get(0)) {
            out[i].sightings.push(sighting_of_row((
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            ))?);
        }
    }
    for r in &refused {
        if let Some(i) = slot(r.get(0)) {
            out[i]
                .refused
                .push(refused_of_row(r.get(1), r.get(2), r.get(3), r.get(4))?);
        }
    }
    // Each container's events, read once each however many of the batch they link.
    let mut places: Vec<(String, i64)> = Vec::with_capacity(links.len());
    let mut seen: HashSet<(String, i64)> = HashSet::with_capacity(links.len());
    let mut linked: Vec<(usize, (String, i64))> = Vec::with_capacity(links.len());
    for r in &links {
        let Some(i) = slot(r.get(0)) else { continue };
        let place: (String, i64) = (r.get(1), r.get(2));
        if seen.insert(place.clone()) {
            places.push(place.clone());
        }
        linked.push((i, place));
    }
    let events = feed::events_at(c, &places).await?;
    let mut histories: Vec<HashMap<(String, i64), FeedEntry>> = vec![HashMap::new(); out.len()];
    for (i, place) in linked {
        if let Some(e) = events.get(&place) {
            histories[i].insert(place, e.clone());
        }
    }
    for (r, h) in out.iter_mut().zip(histories) {
        r.history = feed::in_order(h);
    }
    Ok(out)
}

/// Keeps judged containers (see `AuditStore::put_anomalies`), in `tx`.
pub(super) async fn put_anomalies(
    tx: &impl GenericClient,
    judged: &[Judged],
    now: Timestamp,
) -> Result<Vec<LabelCode>, RegistryError> {
    let check = tx
        .prepare_cached(
            "UPDATE audit_containers SET check_at = $3
             WHERE code = (SELECT code FROM audit_containers WHERE code = $1 AND version = $2
                           FOR UPDATE SKIP LOCKED)
             RETURNING code",
        )
        .await?;
    let rows = checked(tx, &check, judged).await?;
    kept_then_replace(tx, judged, rows, now).await
}

/// As [`put_anomalies`] for sighted codes the registry holds no container of.
pub(super) async fn put_sighting_anomalies(
    tx: &impl GenericClient,
    judged: &[Judged],
    now: Timestamp,
) -> Result<Vec<LabelCode>, RegistryError> {
    let check = tx
        .prepare_cached(
            "UPDATE sighting_audit SET check_at = $3
             WHERE code = (SELECT code FROM sighting_audit WHERE code = $1 AND version = $2
                           FOR UPDATE SKIP LOCKED)
               AND NOT EXISTS (SELECT 1 FROM audit_containers c WHERE c.code = $1)
             RETURNING code",
        )
        .await?;
    let rows = checked(tx, &check, judged).await?;
    kept_then_replace(tx, judged, rows, now).await
}

/// Each judged code's version checked and its next check set by `check` (code, version,
/// next), one statement per code (on Citus each goes to its code's shard alone), all
/// pipelined in one round trip, in code order.
///
/// A row another transaction holds is skipped (SKIP LOCKED), never waited for: a push or a
/// sighting holding it moves its version (the check would fail once it commits), and
/// another registry's evaluator holding it keeps the same judgement; skipped, the code
/// stays due. So the evaluator holds row locks but never waits for one, and a push that
/// locks several rows in its own order can never meet it in a deadlock.
async fn checked(
    tx: &impl GenericClient,
    check: &tokio_postgres::Statement,
    judged: &[Judged],
) -> Result<Vec<Option<tokio_postgres::Row>>, RegistryError> {
    let mut checks: Vec<(&str, i64, Option<i64>)> = judged
        .iter()
        .map(|j| (j.code.as_str(), j.version, j.next.map(|t| t.0)))
        .collect();
    checks.sort_unstable();
    let params: Vec<[&(dyn ToSql + Sync); 3]> = checks
        .iter()
        .map(|(code, version, next)| -> [&(dyn ToSql + Sync); 3] { [code, version, next] })
        .collect();
    Ok(futures_util::future::try_join_all(params.iter().map(|p| tx.query_opt(check, p))).await?)
}

/// The codes whose check returned a row; their anomalies replaced by what was judged.
async fn kept_then_replace(
    tx: &impl GenericClient,
    judged: &[Judged],
    rows: Vec<Option<tokio_postgres::Row>>,
    now: Timestamp,
) -> Result<Vec<LabelCode>, RegistryError> {
    let kept: HashSet<String> = rows.iter().flatten().map(|r| r.get(0)).collect();
    let kept: Vec<LabelCode> = judged
        .iter()
        .filter(|j| kept.contains(j.code.as_str()))
        .map(|j| j.code.clone())
        .collect();
    replace_anomalies(tx, judged, &kept, now).await?;
    Ok(kept)
}

/// Replaces the anomalies kept of the `kept` codes by what `judged` found of them, each
/// keeping the moment it was first found (in the caller's transaction): the old rows
/// deleted (and read back by the same statement), the new inserted by one statement.
async fn replace_anomalies(
    tx: &impl GenericClient,
    judged: &[Judged],
    kept: &[LabelCode],
    now: Timestamp,
) -> Result<(), RegistryError> {
    if kept.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> = kept.iter().map(LabelCode::as_str).collect();
    let delete = tx
        .prepare_cached(
            "DELETE FROM audit_anomalies WHERE container = ANY($1::text[])
             RETURNING container, rule, event, found_at",
        )
        .await?;
    let found: HashMap<(String, String, String), i64> = tx
        .query(&delete, &[&codes])
        .await?
        .iter()
        .map(|r| ((r.get(0), r.get(1), r.get(2)), r.get(3)))
        .collect();
    let rows = new_anomaly_rows(judged, kept);
    if rows.is_empty() {
        return Ok(());
    }
    let n = rows.len();
    let (mut containers, mut rules, mut events) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut sinces, mut dues, mut ens, mut zhs, mut firsts) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (container, rule, event, since, due, en, zh) in rows {
        let key = (container, rule, event);
        firsts.push(found.get(&key).copied().unwrap_or(now.0));
        let (container, rule, event) = key;
        containers.push(container);
        rules.push(rule);
        events.push(event);
        sinces.push(since);
        dues.push(due);
        ens.push(en);
        zhs.push(zh);
    }
    let insert = tx
        .prepare_cached(
            "INSERT INTO audit_anomalies (container, rule, event, since, due, en, zh, found_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[])
             ON CONFLICT (container, rule, event) DO UPDATE SET since = excluded.since,
                 due = excluded.due, en = excluded.en, zh = excluded.zh",
        )
        .await?;
    tx.execute(
        &insert,
        &[
            &containers,
            &rules,
            &events,
            &sinces,
            &dues,
            &ens,
            &zhs,
            &firsts,
        ],
    )
    .await?;
    Ok(())
}
