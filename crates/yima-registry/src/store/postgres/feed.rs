//! The feeds on PostgreSQL: each organisation's entries numbered by a cursor of its own
//! (`feed_cursors`), and the events they name read from their home containers.
//!
//! A feed's seqs must become visible in the order they are given: if one push took 5 and 6
//! and another 7, and 7 committed first, a reader would move past 5 and 6 before they
//! appear. Appending to an organisation's feed therefore holds a lock on that feed until
//! commit (an advisory lock on the coordinator, taken in one order for everyone, then its
//! cursor row), so pushes wait for each other only when they write to the same feed.

use super::{to_entry, Engine, PostgresStore};
use crate::error::{ErrorKind, RegistryError};
use deadpool_postgres::GenericClient;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use yima_codes::CreditCode;
use yima_protocol::{FeedEntry, FeedPage};

/// A statement's parameters.
type Params<'a, const N: usize> = [&'a (dyn tokio_postgres::types::ToSql + Sync); N];

/// The first key of a feed's advisory lock; the second is from the organisation's code.
const FEED_LOCK: i32 = 0x4665_6564; // "Feed"

/// The second key of an organisation's feed lock: 32 bits of the SHA-256 of its code. Two
/// organisations sharing one only wait for each other needlessly.
fn lock_key(org: &str) -> i32 {
    let h = Sha256::digest(org.as_bytes());
    i32::from_be_bytes(h[..4].try_into().expect("4 bytes"))
}

/// Feed rows to append, in order, each (organisation, event) once.
#[derive(Default)]
pub(super) struct FeedRows {
    seen: HashSet<(String, String, i64)>,
    orgs: Vec<String>,
    homes: Vec<String>,
    seqs: Vec<i64>,
}

impl FeedRows {
    /// The event at `home` and `seq` for `org`, unless already added.
    pub(super) fn add(&mut self, org: &str, home: &str, seq: i64) {
        if self.seen.insert((org.to_string(), home.to_string(), seq)) {
            self.orgs.push(org.to_string());
            self.homes.push(home.to_string());
            self.seqs.push(seq);
        }
    }
}

/// Appends the rows to their organisations' feeds, numbered by each one's cursor, in the
/// caller's transaction. With `check`, rows already in a feed are left out (the caller may
/// name events an organisation already reads).
pub(super) async fn append(
    tx: &impl GenericClient,
    rows: FeedRows,
    check: bool,
) -> Result<(), RegistryError> {
    let FeedRows {
        orgs, homes, seqs, ..
    } = rows;
    if orgs.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<i32> = orgs.iter().map(|o| lock_key(o)).collect();
    keys.sort_unstable();
    keys.dedup();
    let lock = tx
        .prepare_cached(
            "SELECT pg_advisory_xact_lock($1, u.k) FROM unnest($2::int4[]) WITH ORDINALITY AS u(k, n) ORDER BY u.n",
        )
        .await?;
    let mut keep = vec![true; orgs.len()];
    if check {
        tx.execute(&lock, &[&FEED_LOCK, &keys]).await?;
        // Read once the feeds are locked: the rows already there, left out.
        let present: HashSet<(String, String, i64)> = present(tx, &orgs, &homes, &seqs)
            .await?
            .into_iter()
            .collect();
        for (i, k) in keep.iter_mut().enumerate() {
            *k = !present.contains(&(orgs[i].clone(), homes[i].clone(), seqs[i]));
        }
    }
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for (i, org) in orgs.iter().enumerate() {
        if keep[i] {
            *counts.entry(org).or_default() += 1;
        }
    }
    if counts.is_empty() {
        return Ok(());
    }
    let (count_orgs, count_ns): (Vec<&str>, Vec<i64>) =
        counts.iter().map(|(o, n)| (*o, *n)).unzip();
    let upsert = tx
        .prepare_cached(
            "INSERT INTO feed_cursors (org, last_seq) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT (org) DO UPDATE SET last_seq = feed_cursors.last_seq + excluded.last_seq
             RETURNING org, last_seq",
        )
        .await?;
    let cursors = if check {
        tx.query(&upsert, &[&count_orgs, &count_ns]).await?
    } else {
        // The cursors are upserted once the feeds are locked: pipelined after the lock.
        let (lock_params, params): (Params<'_, 2>, Params<'_, 2>) =
            ([&FEED_LOCK, &keys], [&count_orgs, &count_ns]);
        let (_, cursors) =
            tokio::try_join!(tx.execute(&lock, &lock_params), tx.query(&upsert, &params),)?;
        cursors
    };
    // Each organisation's new rows take the seqs after its cursor's old value, in order.
    let mut next: HashMap<String, i64> = HashMap::with_capacity(cursors.len());
    for r in &cursors {
        let org: String = r.get(0);
        let last: i64 = r.get(1);
        let n = counts.get(org.as_str()).copied().unwrap_or(0);
        next.insert(org, last - n + 1);
    }
    let n = keep.iter().filter(|k| **k).count();
    let (mut f_orgs, mut f_seqs, mut f_homes, mut f_events) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (i, org) in orgs.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let seq = next.get_mut(&org).ok_or_else(|| {
            RegistryError::new(
                crate::error::ErrorKind::Storage,
                format!("no feed cursor returned for {org}"),
            )
        })?;
        f_seqs.push(*seq);
        *seq += 1;
        f_orgs.push(org);
        f_homes.push(homes[i].clone());
        f_events.push(seqs[i]);
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO feed (org, seq, event_container, event_seq)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[])",
        )
        .await?;
    tx.execute(&stmt, &[&f_orgs, &f_seqs, &f_homes, &f_events])
        .await?;
    Ok(())
}

/// Rows a probe names at most: one organisation's (event_seq, event_container) pairs.
const PROBE: usize = 256;

/// Which of the rows (organisation, home, seq) are already in their feeds. Each probed by
/// the unique index (org, event_seq, event_container), one organisation and at most
/// [`PROBE`] rows a statement: given every organisation and row at once (`org = ANY …`),
/// PostgreSQL 15 reads the organisations' whole feeds into a hash instead (the province's
/// regulator's holds every event), a cost that grows with the registry: 4 ms a push at
/// 20 000 events, 68 ms at 400 000. One organisation a statement is also one shard on Citus.
async fn present(
    tx: &impl GenericClient,
    orgs: &[String],
    homes: &[String],
    seqs: &[i64],
) -> Result<Vec<(String, String, i64)>, RegistryError> {
    let stmt = tx
        .prepare_cached(
            "SELECT f.event_container, f.event_seq FROM feed f
             JOIN unnest($2::bigint[], $3::text[]) AS u(seq, container)
               ON f.event_seq = u.seq AND f.event_container = u.container
             WHERE f.org = $1",
        )
        .await?;
    let mut by_org: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, org) in orgs.iter().enumerate() {
        by_org.entry(org).or_default().push(i);
    }
    let mut out = Vec::new();
    for (org, rows) in by_org {
        for chunk in rows.chunks(PROBE) {
            let s: Vec<i64> = chunk.iter().map(|&i| seqs[i]).collect();
            let h: Vec<&str> = chunk.iter().map(|&i| homes[i].as_str()).collect();
            for r in tx.query(&stmt, &[&org, &s, &h]).await? {
                out.push((org.to_string(), r.get(0), r.get(1)));
            }
        }
    }
    Ok(out)
}

/// The events of `container` and of every container sharing an event with it (merge and
/// split lineage, multi-container events): each event's home, seq and containers, in
/// position order. Walked a generation at a time, each step reading only the shards of the
/// containers it names; an event's other containers are read from its body.
pub(super) async fn family_history(
    c: &impl GenericClient,
    container: &str,
) -> Result<Vec<(String, i64, Vec<String>)>, RegistryError> {
    let links_stmt = c
        .prepare_cached(
            "SELECT container, event_id, home, seq FROM event_links WHERE container = ANY($1::text[])",
        )
        .await?;
    let bodies_stmt = c
        .prepare_cached(
            "SELECT id, body FROM events WHERE container = ANY($1::text[]) AND id = ANY($2::text[])",
        )
        .await?;
    let mut family: HashSet<String> = HashSet::from([container.to_string()]);
    let mut frontier = vec![container.to_string()];
    // Event id → (home, seq, containers).
    let mut events: HashMap<String, (String, i64, BTreeSet<String>)> = HashMap::new();
    while !frontier.is_empty() {
        let rows = c.query(&links_stmt, &[&frontier]).await?;
        frontier.clear();
        let (mut homes, mut ids) = (Vec::new(), Vec::new());
        for r in &rows {
            let (code, id, home, seq): (String, String, String, i64) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let entry = events.entry(id.clone()).or_insert_with(|| {
                homes.push(home.clone());
                ids.push(id.clone());
                (home, seq, BTreeSet::new())
            });
            entry.2.insert(code);
        }
        if ids.is_empty() {
            break;
        }
        homes.sort_unstable();
        homes.dedup();
        for r in c.query(&bodies_stmt, &[&homes, &ids]).await? {
            let id: String = r.get(0);
            let body: &str = r.get(1);
            let linked = yima_core::decode(body.as_bytes())
                .map_err(|e| {
                    RegistryError::new(
                        crate::error::ErrorKind::Storage,
                        format!("stored event {id} does not read: {e}"),
                    )
                })?
                .links;
            let Some(entry) = events.get_mut(&id) else {
                continue;
            };
            for l in linked {
                let code = l.container.to_string();
                entry.2.insert(code.clone());
                if family.insert(code.clone()) {
                    frontier.push(code);
                }
            }
        }
    }
    let mut out: Vec<(String, i64, Vec<String>)> = events
        .into_values()
        .map(|(home, seq, codes)| (home, seq, codes.into_iter().collect()))
        .collect();
    out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    Ok(out)
}

/// The events at the given (home, seq) places, by place.
pub(super) async fn events_at(
    c: &impl GenericClient,
    places: &[(String, i64)],
) -> Result<HashMap<(String, i64), FeedEntry>, RegistryError> {
    if places.is_empty() {
        return Ok(HashMap::new());
    }
    let homes: Vec<&str> = places.iter().map(|p| p.0.as_str()).collect();
    let seqs: Vec<i64> = places.iter().map(|p| p.1).collect();
    // Each (home, seq) probed once (not every pair of the two arrays); the container
    // filter prunes the shards on Citus, each home named once (a container's events share
    // it, and each repeat adds to the planner's estimate).
    let mut filter = homes.clone();
    filter.sort_unstable();
    filter.dedup();
    let stmt = c
        .prepare_cached(
            "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of, e.container FROM events e
             JOIN unnest($1::text[], $2::bigint[]) AS u(container, seq) ON e.container = u.container AND e.seq = u.seq
             WHERE e.container = ANY($3::text[])",
        )
        .await?;
    let wanted: HashSet<&(String, i64)> = places.iter().collect();
    let mut out = HashMap::with_capacity(places.len());
    for r in c.query(&stmt, &[&homes, &seqs, &filter]).await? {
        let place = (r.get::<_, String>(6), r.get::<_, i64>(0));
        if wanted.contains(&place) {
            out.insert(place, to_entry(&r)?);
        }
    }
    Ok(out)
}

/// The events linked to `container`, in position order (events of one position by id).
pub(super) async fn history(
    c: &impl GenericClient,
    container: &str,
) -> Result<Vec<FeedEntry>, RegistryError> {
    let stmt = c
        .prepare_cached("SELECT home, seq FROM event_links WHERE container = $1")
        .await?;
    let places: Vec<(String, i64)> = c
        .query(&stmt, &[&container])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(in_order(events_at(c, &places).await?))
}

/// Entries sorted by their events' positions, then ids.
pub(super) fn in_order(events: HashMap<(String, i64), FeedEntry>) -> Vec<FeedEntry> {
    let mut entries: Vec<FeedEntry> = events.into_values().collect();
    entries.sort_by_cached_key(|e| (e.seq, e.event.id.to_string()));
    entries
}

/// A page of `org`'s feed after `after` (see [`crate::store::RegistryStore::feed`]).
pub(super) async fn page(
    store: &PostgresStore,
    org: CreditCode,
    after: i64,
    limit: u32,
) -> Result<FeedPage, RegistryError> {
    let c = store.client().await?;
    // The feed's rows from the organisation's shard, then their events from theirs.
    let stmt = c
        .prepare_cached(
            "SELECT seq, event_container, event_seq FROM feed WHERE org = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .await?;
    let rows = c
        .query(&stmt, &[&org.as_str(), &after, &(i64::from(limit) + 1)])
        .await?;
    let more = rows.len() > limit as usize;
    let rows: Vec<(i64, (String, i64))> = rows
        .iter()
        .take(limit as usize)
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let places: Vec<(String, i64)> = rows.iter().map(|r| r.1.clone()).collect();
    let mut events = events_at(&c, &places).await?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut more = more;
    for (seq, place) in rows {
        let Some(mut entry) = events.remove(&place) else {
            // On Citus a push committed on several workers (two-phase) becomes visible
            // on each at its own moment: the feed row may be read before its event on
            // another worker. The page ends before it (the reader asks again); its
            // rows after it wait too, so the cursor never passes an entry unread (and a
            // page that ends at once does not ask the client to come straight back).
            if matches!(store.engine, Engine::Citus { .. }) {
                more = !entries.is_empty();
                break;
            }
            return Err(RegistryError::new(
                ErrorKind::Storage,
                format!("feed entry {seq} of {org} names no stored event"),
            ));
        };
        entry.seq = seq;
        entries.push(entry);
    }
    let next = entries.last().map_or(after, |e| e.seq);
    Ok(FeedPage {
        entries,
        next,
        more,
    })
}
