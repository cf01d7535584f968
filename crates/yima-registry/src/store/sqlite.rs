//! The embedded SQLite backend: one file, nothing to install.

use super::{division, parse, parse_roles, roles_text, OrgRecord, RegistryStore};
use crate::error::{ErrorKind, RegistryError};
use crate::ingest::{decide, parties, Decision};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use yima_codes::{CreditCode, LabelCode};
use yima_core::{ContainerStatus, EventId, PublicKey, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{
    DeviceInfo, FeedEntry, FeedPage, NewEnrolmentCode, NewOrg, PushOutcome, PushResult,
};

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "0001_registry.sql",
    include_str!("../../../../migrations/registry/sqlite/0001_registry.sql"),
)];

/// The SQLite registry store.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating) the database file and applies migrations.
    pub fn open(path: &Path) -> Result<SqliteStore, RegistryError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, RegistryError> + Send + 'static,
    ) -> Result<T, RegistryError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| RegistryError::new(ErrorKind::Storage, "database lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| RegistryError::new(ErrorKind::Storage, format!("database task failed: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), RegistryError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )?;
    for (version, name, sql) in MIGRATIONS {
        let sum = crate::checksum(sql);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: Option<String> = tx
            .query_row(
                "SELECT checksum FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        match applied {
            Some(s) if s == sum => {}
            Some(_) => {
                return Err(RegistryError::new(
                    ErrorKind::Storage,
                    format!("migration {name} differs from the one applied"),
                ))
            }
            None => {
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
                    params![version, name, sum],
                )?;
            }
        }
        tx.commit()?;
    }
    Ok(())
}

/// A device row: key, org, org name, role, admin, enrolled, revoked, org roles.
type DeviceRow = (
    String,
    String,
    String,
    String,
    bool,
    i64,
    Option<i64>,
    String,
);

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

const DEVICE_SELECT: &str =
    "SELECT d.public_key, d.org, o.name, d.role, d.admin, d.enrolled_at, d.revoked_at, o.roles
     FROM devices d JOIN orgs o ON o.credit_code = d.org";

fn to_device(row: DeviceRow) -> Result<DeviceInfo, RegistryError> {
    let (key, org, org_name, role, admin, enrolled, revoked, roles) = row;
    Ok(DeviceInfo {
        key: parse("key", &key)?,
        org: parse("credit code", &org)?,
        org_name,
        org_roles: parse_roles(&roles)?,
        role: parse("role", &role)?,
        admin,
        enrolled_at: Timestamp(enrolled),
        revoked_at: revoked.map(Timestamp),
    })
}

fn device_in(conn: &Connection, key: &PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
    let row = conn
        .prepare_cached(&format!("{DEVICE_SELECT} WHERE d.public_key = ?1"))?
        .query_row([key.to_string()], device_row)
        .optional()?;
    row.map(to_device).transpose()
}

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

fn ingest_in(
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

fn entry(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(i64, String, String, String, i64, Option<String>)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_entry(
    row: (i64, String, String, String, i64, Option<String>),
) -> Result<FeedEntry, RegistryError> {
    let (seq, id, body, sigs, arrived, fork_of) = row;
    Ok(FeedEntry {
        seq,
        event: WireEvent {
            id: parse("event id", &id)?,
            body,
            signatures: serde_json::from_str(&sigs)?,
        },
        arrived_at: Timestamp(arrived),
        fork_of: fork_of.map(|f| parse("event id", &f)).transpose()?,
    })
}

impl RegistryStore for SqliteStore {
    async fn add_org(&self, org: NewOrg, now: Timestamp) -> Result<(), RegistryError> {
        self.run(move |c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO orgs (credit_code, name, roles, jurisdiction, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![org.credit_code.as_str(), org.name, roles_text(&org.roles), org.jurisdiction, now.0],
            )?;
            if n == 0 {
                return Err(RegistryError::new(ErrorKind::Conflict, format!("organisation {} is already registered", org.credit_code)));
            }
            Ok(())
        })
        .await
    }

    async fn org(&self, code: CreditCode) -> Result<Option<OrgRecord>, RegistryError> {
        self.run(move |c| {
            let row = c
                .query_row(
                    "SELECT name, roles, jurisdiction FROM orgs WHERE credit_code = ?1",
                    [code.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(name, roles, jurisdiction)| {
                Ok(OrgRecord {
                    credit_code: code.clone(),
                    name,
                    roles: parse_roles(&roles)?,
                    jurisdiction,
                })
            })
            .transpose()
        })
        .await
    }

    async fn add_enrolment_code(
        &self,
        code_hash: String,
        req: NewEnrolmentCode,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), RegistryError> {
        self.run(move |c| {
            c.execute(
                "INSERT INTO enrolment_codes (code_hash, org, role, admin, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![code_hash, req.org.as_str(), req.role.as_str(), req.admin, now.0, expires.0],
            )?;
            Ok(())
        })
        .await
    }

    async fn redeem_enrolment(
        &self,
        code_hash: String,
        key: PublicKey,
        now: Timestamp,
    ) -> Result<DeviceInfo, RegistryError> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    "SELECT org, role, admin, expires_at, used_by FROM enrolment_codes WHERE code_hash = ?1",
                    [&code_hash],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?)),
                )
                .optional()?;
            let Some((org, role, admin, expires, used_by)) = row else {
                return Err(RegistryError::new(ErrorKind::Unauthorized, "unknown enrolment code"));
            };
            if used_by.is_some() {
                return Err(RegistryError::new(ErrorKind::Conflict, "this enrolment code was already used"));
            }
            if now.0 > expires {
                return Err(RegistryError::new(ErrorKind::Unauthorized, "this enrolment code has expired"));
            }
            if device_in(&tx, &key)?.is_some() {
                return Err(RegistryError::new(ErrorKind::Conflict, "this key is already enrolled"));
            }
            tx.execute("UPDATE enrolment_codes SET used_by = ?1, used_at = ?2 WHERE code_hash = ?3", params![key.to_string(), now.0, code_hash])?;
            tx.execute(
                "INSERT INTO devices (public_key, org, role, admin, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key.to_string(), org, role, admin, now.0],
            )?;
            let device = device_in(&tx, &key)?.ok_or_else(|| RegistryError::new(ErrorKind::Storage, "device vanished"))?;
            tx.commit()?;
            Ok(device)
        })
        .await
    }

    async fn device(&self, key: PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
        self.run(move |c| device_in(c, &key)).await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, RegistryError> {
        self.run(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{DEVICE_SELECT} ORDER BY d.enrolled_at, d.public_key"
            ))?;
            let rows = stmt
                .query_map([], device_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(to_device).collect()
        })
        .await
    }

    async fn revoke(&self, key: PublicKey, at: Timestamp) -> Result<bool, RegistryError> {
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE devices SET revoked_at = ?1 WHERE public_key = ?2 AND revoked_at IS NULL",
                params![at.0, key.to_string()],
            )? == 1)
        })
        .await
    }

    async fn use_nonce(
        &self,
        key: PublicKey,
        nonce: String,
        now: Timestamp,
    ) -> Result<bool, RegistryError> {
        self.run(move |c| {
            // Nonces older than twice the allowed skew can no longer be replayed: forget them.
            c.prepare_cached("DELETE FROM nonces WHERE seen_at < ?1")?
                .execute([now.0 - 2 * yima_protocol::MAX_CLOCK_SKEW_MS])?;
            let n = c
                .prepare_cached(
                    "INSERT OR IGNORE INTO nonces (public_key, nonce, seen_at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![key.to_string(), nonce, now.0])?;
            Ok(n == 1)
        })
        .await
    }

    async fn ingest(
        &self,
        events: Vec<SignedEvent>,
        pusher: PublicKey,
        checked: bool,
        now: Timestamp,
    ) -> Result<Vec<PushResult>, RegistryError> {
        self.run(move |c| ingest_in(c, &events, &pusher, checked, now))
            .await
    }

    async fn feed(
        &self,
        org: CreditCode,
        after: i64,
        limit: u32,
    ) -> Result<FeedPage, RegistryError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM feed f JOIN events e ON e.id = f.event_id
                 WHERE f.org = ?1 AND f.seq > ?2 ORDER BY f.seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![org.as_str(), after, i64::from(limit) + 1], entry)?.collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > limit as usize;
            let entries = rows.into_iter().take(limit as usize).map(to_entry).collect::<Result<Vec<_>, _>>()?;
            let next = entries.last().map_or(after, |e| e.seq);
            Ok(FeedPage { entries, next, more })
        })
        .await
    }

    async fn container_history(&self, code: LabelCode) -> Result<Vec<FeedEntry>, RegistryError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM event_links l JOIN events e ON e.id = l.event_id
                 WHERE l.container = ?1 ORDER BY e.seq",
            )?;
            let rows = stmt.query_map([code.as_str()], entry)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(to_entry).collect()
        })
        .await
    }

    async fn event_count(&self) -> Result<u64, RegistryError> {
        self.run(|c| {
            Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
        })
        .await
    }
}
