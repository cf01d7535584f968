//! The PostgreSQL backend, for production: several registry processes may share one
//! database. Decisions are the same as SQLite's ([`crate::ingest::decide`]); what differs is
//! how concurrent writers are kept apart:
//!
//! - migrating holds a transaction-level advisory lock, so registries starting together
//!   apply each migration once;
//! - an ingest locks every container its events link (advisory locks keyed by the code,
//!   taken in one sorted order, so two pushes never deadlock) before reading anything, so
//!   two pushes deciding the same container run one after the other and the second sees
//!   what the first stored;
//! - feed seqs come from the `feed_head` row, locked until commit, so they become visible in
//!   order and a reader's cursor never skips an entry still being written.
//!
//! An ingest reads what it needs in a handful of queries, decides every event in memory
//! and writes each table with one statement, whatever the batch size.

use super::{division, parse, parse_roles, roles_text, OrgRecord, RegistryStore};
use crate::error::{ErrorKind, RegistryError};
use crate::ingest::{decide, parties, Decision};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};
use yima_codes::{CreditCode, LabelCode};
use yima_core::{ContainerStatus, PublicKey, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{
    DeviceInfo, FeedEntry, FeedPage, NewEnrolmentCode, NewOrg, PushOutcome, PushResult,
};

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "0001_registry.sql",
    include_str!("../../../../migrations/registry/postgres/0001_registry.sql"),
)];

/// Connections in the pool.
pub const POOL_SIZE: usize = 8;

/// The advisory lock held while migrating. Two `int4` keys: a key space apart from the
/// single `bigint` keys of containers.
const MIGRATION_LOCK: (i32, i32) = (0x5969_6d61, 1); // "Yima", 1

/// The PostgreSQL registry store: a pool of connections.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) with a pool of
    /// [`POOL_SIZE`] connections, and applies migrations. The connection is not encrypted
    /// (`NoTls`): keep the database on the registry's host or a private network.
    pub async fn connect(url: &str) -> Result<PostgresStore, RegistryError> {
        // The URL may hold a password: error messages never repeat it.
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            RegistryError::new(ErrorKind::Storage, format!("invalid PostgreSQL URL: {e}"))
        })?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .wait_timeout(Some(Duration::from_secs(60)))
            .build()
            .map_err(|e| RegistryError::new(ErrorKind::Storage, format!("postgres pool: {e}")))?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, RegistryError> {
        Ok(self.pool.get().await?)
    }

    async fn migrate(&self) -> Result<(), RegistryError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Held until commit: a second registry starting now waits here, then finds the
        // migrations applied. Taken before creating schema_migrations, whose concurrent
        // creation would itself fail.
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
        )
        .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
        )
        .await?;
        for (version, name, sql) in MIGRATIONS {
            let sum = crate::checksum(sql);
            let applied = tx
                .query_opt(
                    "SELECT checksum FROM schema_migrations WHERE version = $1",
                    &[version],
                )
                .await?;
            match applied.map(|r| r.get::<_, String>(0)) {
                Some(s) if s == sum => {}
                Some(_) => {
                    return Err(RegistryError::new(
                        ErrorKind::Storage,
                        format!("migration {name} differs from the one applied"),
                    ))
                }
                None => {
                    tx.batch_execute(sql).await?;
                    tx.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        &[version, name, &sum],
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Text PostgreSQL cannot store (a NUL character) is the caller's mistake, not a failure of
/// the database.
fn text_error(e: tokio_postgres::Error) -> RegistryError {
    if e.code() == Some(&SqlState::CHARACTER_NOT_IN_REPERTOIRE) {
        RegistryError::new(
            ErrorKind::BadRequest,
            "text contains a character that cannot be stored (NUL)",
        )
    } else {
        e.into()
    }
}

const DEVICE_SELECT: &str =
    "SELECT d.public_key, d.org, o.name, d.role, d.admin, d.enrolled_at, d.revoked_at, o.roles
     FROM devices d JOIN orgs o ON o.credit_code = d.org";

fn to_device(r: &Row) -> Result<DeviceInfo, RegistryError> {
    Ok(DeviceInfo {
        key: parse("key", r.get(0))?,
        org: parse("credit code", r.get(1))?,
        org_name: r.get(2),
        org_roles: parse_roles(r.get(7))?,
        role: parse("role", r.get(3))?,
        admin: r.get(4),
        enrolled_at: Timestamp(r.get(5)),
        revoked_at: r.get::<_, Option<i64>>(6).map(Timestamp),
    })
}

async fn device_in(
    c: &impl GenericClient,
    key: &PublicKey,
) -> Result<Option<DeviceInfo>, RegistryError> {
    let stmt = c
        .prepare_cached(&format!("{DEVICE_SELECT} WHERE d.public_key = $1"))
        .await?;
    c.query_opt(&stmt, &[&key.to_string()])
        .await?
        .as_ref()
        .map(to_device)
        .transpose()
}

fn to_entry(r: &Row) -> Result<FeedEntry, RegistryError> {
    Ok(FeedEntry {
        seq: r.get(0),
        event: WireEvent {
            id: parse("event id", r.get(1))?,
            body: r.get(2),
            signatures: serde_json::from_str(r.get(3))?,
        },
        arrived_at: Timestamp(r.get(4)),
        fork_of: r
            .get::<_, Option<&str>>(5)
            .map(|f| parse("event id", f))
            .transpose()?,
    })
}

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

async fn ingest_in(
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

impl RegistryStore for PostgresStore {
    async fn add_org(&self, org: NewOrg, now: Timestamp) -> Result<(), RegistryError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "INSERT INTO orgs (credit_code, name, roles, jurisdiction, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (credit_code) DO NOTHING",
                &[&org.credit_code.as_str(), &org.name, &roles_text(&org.roles), &org.jurisdiction, &now.0],
            )
            .await
            .map_err(text_error)?;
        if n == 0 {
            return Err(RegistryError::new(
                ErrorKind::Conflict,
                format!("organisation {} is already registered", org.credit_code),
            ));
        }
        Ok(())
    }

    async fn org(&self, code: CreditCode) -> Result<Option<OrgRecord>, RegistryError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT name, roles, jurisdiction FROM orgs WHERE credit_code = $1",
                &[&code.as_str()],
            )
            .await?;
        row.map(|r| {
            Ok(OrgRecord {
                credit_code: code.clone(),
                name: r.get(0),
                roles: parse_roles(r.get(1))?,
                jurisdiction: r.get(2),
            })
        })
        .transpose()
    }

    async fn add_enrolment_code(
        &self,
        code_hash: String,
        req: NewEnrolmentCode,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), RegistryError> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO enrolment_codes (code_hash, org, role, admin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&code_hash, &req.org.as_str(), &req.role.as_str(), &req.admin, &now.0, &expires.0],
        )
        .await?;
        Ok(())
    }

    async fn redeem_enrolment(
        &self,
        code_hash: String,
        key: PublicKey,
        now: Timestamp,
    ) -> Result<DeviceInfo, RegistryError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // FOR UPDATE: a second redemption of the same code waits, then finds it used.
        let row = tx
            .query_opt(
                "SELECT org, role, admin, expires_at, used_by FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE",
                &[&code_hash],
            )
            .await?;
        let Some(row) = row else {
            return Err(RegistryError::new(
                ErrorKind::Unauthorized,
                "unknown enrolment code",
            ));
        };
        let (org, role, admin, expires, used_by): (String, String, bool, i64, Option<String>) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        if used_by.is_some() {
            return Err(RegistryError::new(
                ErrorKind::Conflict,
                "this enrolment code was already used",
            ));
        }
        if now.0 > expires {
            return Err(RegistryError::new(
                ErrorKind::Unauthorized,
                "this enrolment code has expired",
            ));
        }
        let already = || RegistryError::new(ErrorKind::Conflict, "this key is already enrolled");
        if device_in(&tx, &key).await?.is_some() {
            return Err(already());
        }
        tx.execute(
            "UPDATE enrolment_codes SET used_by = $1, used_at = $2 WHERE code_hash = $3",
            &[&key.to_string(), &now.0, &code_hash],
        )
        .await?;
        // The same key enrolling with two codes at once: the second finds the first here.
        let n = tx
            .execute(
                "INSERT INTO devices (public_key, org, role, admin, enrolled_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (public_key) DO NOTHING",
                &[&key.to_string(), &org, &role, &admin, &now.0],
            )
            .await?;
        if n == 0 {
            return Err(already());
        }
        let device = device_in(&tx, &key)
            .await?
            .ok_or_else(|| RegistryError::new(ErrorKind::Storage, "device vanished"))?;
        tx.commit().await?;
        Ok(device)
    }

    async fn device(&self, key: PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
        let c = self.client().await?;
        device_in(&c, &key).await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, RegistryError> {
        let c = self.client().await?;
        // COLLATE "C": byte order, as SQLite sorts, whatever the database's collation.
        let stmt = c
            .prepare_cached(&format!(
                "{DEVICE_SELECT} ORDER BY d.enrolled_at, d.public_key COLLATE \"C\""
            ))
            .await?;
        c.query(&stmt, &[]).await?.iter().map(to_device).collect()
    }

    async fn revoke(&self, key: PublicKey, at: Timestamp) -> Result<bool, RegistryError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE devices SET revoked_at = $1 WHERE public_key = $2 AND revoked_at IS NULL",
                &[&at.0, &key.to_string()],
            )
            .await?;
        Ok(n == 1)
    }

    async fn use_nonce(
        &self,
        key: PublicKey,
        nonce: String,
        now: Timestamp,
    ) -> Result<bool, RegistryError> {
        let c = self.client().await?;
        // Nonces older than twice the allowed skew can no longer be replayed: forget them.
        let stmt = c
            .prepare_cached("DELETE FROM nonces WHERE seen_at < $1")
            .await?;
        c.execute(&stmt, &[&(now.0 - 2 * yima_protocol::MAX_CLOCK_SKEW_MS)])
            .await?;
        let stmt = c
            .prepare_cached("INSERT INTO nonces (public_key, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT (public_key, nonce) DO NOTHING")
            .await?;
        Ok(c.execute(&stmt, &[&key.to_string(), &nonce, &now.0])
            .await?
            == 1)
    }

    async fn ingest(
        &self,
        events: Vec<SignedEvent>,
        pusher: PublicKey,
        checked: bool,
        now: Timestamp,
    ) -> Result<Vec<PushResult>, RegistryError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.client().await?;
        ingest_in(&mut c, &events, &pusher, checked, now).await
    }

    async fn feed(
        &self,
        org: CreditCode,
        after: i64,
        limit: u32,
    ) -> Result<FeedPage, RegistryError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT f.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM feed f JOIN events e ON e.id = f.event_id
                 WHERE f.org = $1 AND f.seq > $2 ORDER BY f.seq LIMIT $3",
            )
            .await?;
        let rows = c
            .query(&stmt, &[&org.as_str(), &after, &(i64::from(limit) + 1)])
            .await?;
        let more = rows.len() > limit as usize;
        let entries = rows
            .iter()
            .take(limit as usize)
            .map(to_entry)
            .collect::<Result<Vec<_>, _>>()?;
        let next = entries.last().map_or(after, |e| e.seq);
        Ok(FeedPage {
            entries,
            next,
            more,
        })
    }

    async fn container_history(&self, code: LabelCode) -> Result<Vec<FeedEntry>, RegistryError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM event_links l JOIN events e ON e.id = l.event_id
                 WHERE l.container = $1 ORDER BY e.seq",
            )
            .await?;
        c.query(&stmt, &[&code.as_str()])
            .await?
            .iter()
            .map(to_entry)
            .collect()
    }

    async fn event_count(&self) -> Result<u64, RegistryError> {
        let c = self.client().await?;
        let n: i64 = c
            .query_one("SELECT count(*) FROM events", &[])
            .await?
            .get(0);
        Ok(n as u64)
    }
}
