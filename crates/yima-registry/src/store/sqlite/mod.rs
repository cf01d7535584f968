//! The embedded SQLite backend: one file, nothing to install.

mod audit;
mod auditing;
mod enrol;
mod ingest;
mod judging;
mod offers;
mod orgs;
mod sightings;
mod tracks;

use super::{parse, OfferPut, OfferRecord, OrgRecord, RegistryStore};
use crate::error::{ErrorKind, RegistryError};
use crate::signatures::SignatureCheck;
use ingest::ingest_in;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};
use yima_codes::{CreditCode, LabelCode};
use yima_core::{PublicKey, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{DeviceInfo, FeedEntry, FeedPage, NewEnrolmentCode, NewOrg, PushResult};

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_registry.sql",
        include_str!("../../../../../migrations/registry/sqlite/0001_registry.sql"),
    ),
    (
        2,
        "0002_push_throughput.sql",
        include_str!("../../../../../migrations/registry/sqlite/0002_push_throughput.sql"),
    ),
    (
        3,
        "0003_feed_by_seq.sql",
        include_str!("../../../../../migrations/registry/sqlite/0003_feed_by_seq.sql"),
    ),
    (
        4,
        "0004_parties_by_org.sql",
        include_str!("../../../../../migrations/registry/sqlite/0004_parties_by_org.sql"),
    ),
    (
        5,
        "0005_refused_quota.sql",
        include_str!("../../../../../migrations/registry/sqlite/0005_refused_quota.sql"),
    ),
    (
        6,
        "0006_sequence_blocks.sql",
        include_str!("../../../../../migrations/registry/sqlite/0006_sequence_blocks.sql"),
    ),
    (
        7,
        "0007_handover_offers.sql",
        include_str!("../../../../../migrations/registry/sqlite/0007_handover_offers.sql"),
    ),
    (
        8,
        "0008_track_fixes.sql",
        include_str!("../../../../../migrations/registry/sqlite/0008_track_fixes.sql"),
    ),
    (
        9,
        "0009_audit_index.sql",
        include_str!("../../../../../migrations/registry/sqlite/0009_audit_index.sql"),
    ),
    (
        10,
        "0010_sightings.sql",
        include_str!("../../../../../migrations/registry/sqlite/0010_sightings.sql"),
    ),
    (
        11,
        "0011_registry_key.sql",
        include_str!("../../../../../migrations/registry/sqlite/0011_registry_key.sql"),
    ),
];

/// How long a statement waits for another writer's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long the readiness check waits for the write lock.
const READY_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// The SQLite registry store.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    refused_quota: Arc<std::sync::atomic::AtomicU64>,
}

impl SqliteStore {
    /// Opens (creating) the database file and applies migrations.
    pub fn open(path: &Path) -> Result<SqliteStore, RegistryError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A push writes a few megabytes: a page cache that holds them (64 MiB, not the
        // default 2 MiB) spares spilling pages to the WAL before commit, and statement
        // journals (multi-row inserts keep one) in memory spare a temporary file.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Checkpoint every 8192 WAL pages (32 MiB), not every 1000: a push rewrites the same
        // index pages as the push before it, and each checkpoint copies a page once however
        // often it was rewritten since the last one (and syncs the file once).
        conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            refused_quota: Arc::new(super::REFUSED_QUOTA.into()),
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
                if *version == audit::AUDIT_INDEX_MIGRATION {
                    // The index of the events stored before it.
                    audit::reindex(&tx)?;
                }
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
        fixes: None,
    })
}

impl RegistryStore for SqliteStore {
    async fn registry_key(&self, fresh: [u8; 32]) -> Result<[u8; 32], RegistryError> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO registry_key (id, secret) VALUES (1, ?1) ON CONFLICT (id) DO NOTHING",
                [hex::encode(fresh)],
            )?;
            let kept: String =
                tx.query_row("SELECT secret FROM registry_key WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
            tx.commit()?;
            super::registry_secret(&kept)
        })
        .await
    }

    async fn add_org(&self, org: NewOrg, now: Timestamp) -> Result<(), RegistryError> {
        self.run(move |c| orgs::add_org(c, org, now)).await
    }

    async fn org(&self, code: CreditCode) -> Result<Option<OrgRecord>, RegistryError> {
        self.run(move |c| orgs::org(c, code)).await
    }

    async fn add_enrolment_code(
        &self,
        code_hash: String,
        req: NewEnrolmentCode,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), RegistryError> {
        self.run(move |c| enrol::add_enrolment_code(c, code_hash, req, now, expires))
            .await
    }

    async fn redeem_enrolment_with(
        &self,
        code_hash: String,
        key: PublicKey,
        own_block: Option<yima_codes::SequenceBlock>,
        now: Timestamp,
    ) -> Result<DeviceInfo, RegistryError> {
        self.run(move |c| enrol::redeem(c, code_hash, key, own_block, now))
            .await
    }

    async fn device(&self, key: PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
        self.run(move |c| enrol::device(c, key)).await
    }

    async fn ready(&self) -> Result<(), RegistryError> {
        self.run(|c| {
            // A write lock, taken and given back: a locked database is not ready. The
            // wait is short, then the usual one is restored.
            c.busy_timeout(READY_WAIT)?;
            let taken = c
                .execute_batch("BEGIN IMMEDIATE")
                .and_then(|_| c.execute_batch("ROLLBACK"));
            c.busy_timeout(BUSY_TIMEOUT)?;
            Ok(taken?)
        })
        .await
    }

    async fn org_devices(&self, org: CreditCode) -> Result<Vec<DeviceInfo>, RegistryError> {
        self.run(move |c| enrol::org_devices(c, org)).await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, RegistryError> {
        self.run(|c| enrol::devices(c)).await
    }

    async fn devices_seen_by(&self, org: CreditCode) -> Result<Vec<DeviceInfo>, RegistryError> {
        self.run(move |c| enrol::devices_seen_by(c, org)).await
    }

    async fn revoke(&self, key: PublicKey, at: Timestamp) -> Result<bool, RegistryError> {
        self.run(move |c| enrol::revoke(c, key, at)).await
    }

    async fn give_sequence_block(
        &self,
        key: PublicKey,
    ) -> Result<yima_protocol::SequenceBlockGiven, RegistryError> {
        self.run(move |c| enrol::give_block(c, key)).await
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
        signatures: SignatureCheck,
        now: Timestamp,
    ) -> Result<Vec<PushResult>, RegistryError> {
        let quota = self
            .refused_quota
            .load(std::sync::atomic::Ordering::Relaxed);
        self.run(move |c| ingest_in(c, &events, &pusher, signatures, now, quota))
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
                "SELECT f.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM feed f JOIN events e ON e.seq = f.event_seq
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

    async fn statuses(
        &self,
        codes: Vec<LabelCode>,
    ) -> Result<Vec<(LabelCode, yima_core::ContainerStatus)>, RegistryError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached("SELECT status FROM containers WHERE code = ?1")?;
            let mut out = Vec::with_capacity(codes.len());
            for code in codes {
                let json: Option<String> =
                    stmt.query_row([code.as_str()], |r| r.get(0)).optional()?;
                if let Some(json) = json {
                    out.push((code, super::status::read(&json)?));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn readable_history(
        &self,
        org: CreditCode,
        code: LabelCode,
    ) -> Result<Vec<FeedEntry>, RegistryError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM event_links l JOIN events e ON e.id = l.event_id
                 WHERE l.container = ?1 AND EXISTS (SELECT 1 FROM feed f WHERE f.org = ?2 AND f.event_seq = e.seq)
                 ORDER BY e.seq",
            )?;
            let rows = stmt.query_map([code.as_str(), org.as_str()], entry)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(to_entry).collect()
        })
        .await
    }

    async fn readable_mentioning(
        &self,
        org: CreditCode,
        text: String,
    ) -> Result<Vec<FeedEntry>, RegistryError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM feed f JOIN events e ON e.seq = f.event_seq
                 WHERE f.org = ?1 AND instr(e.body, ?2) > 0 ORDER BY e.seq",
            )?;
            let rows = stmt.query_map([org.as_str(), text.as_str()], entry)?.collect::<Result<Vec<_>, _>>()?;
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

    fn set_refused_quota(&self, per_device: u64) {
        self.refused_quota
            .store(per_device, std::sync::atomic::Ordering::Relaxed);
    }

    async fn refused_tally(&self, key: PublicKey) -> Result<super::RefusedTally, RegistryError> {
        self.run(move |c| {
            let row: Option<(i64, i64)> = c
                .query_row(
                    "SELECT refused, kept FROM refused_tally WHERE pushed_by = ?1",
                    [key.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (refused, kept) = row.unwrap_or_default();
            Ok(super::RefusedTally {
                refused: refused as u64,
                kept: kept as u64,
            })
        })
        .await
    }

    async fn put_offer(
        &self,
        offer: OfferRecord,
        max_waiting: u64,
        now: Timestamp,
    ) -> Result<OfferPut, RegistryError> {
        self.run(move |c| offers::put_offer(c, &offer, max_waiting, now))
            .await
    }

    async fn offers_for(
        &self,
        taker: PublicKey,
        limit: u32,
    ) -> Result<Vec<yima_protocol::HandoverOffer>, RegistryError> {
        self.run(move |c| offers::offers_for(c, &taker, limit))
            .await
    }

    async fn put_tracks(
        &self,
        tracks: Vec<super::TrackRecord>,
        now: Timestamp,
    ) -> Result<(), RegistryError> {
        self.run(move |c| tracks::put_tracks(c, &tracks, now)).await
    }

    async fn tracks_of(
        &self,
        events: Vec<yima_core::EventId>,
    ) -> Result<std::collections::HashMap<yima_core::EventId, Vec<yima_core::Fix>>, RegistryError>
    {
        self.run(move |c| tracks::tracks_of(c, &events)).await
    }

    async fn refresh_statistics(&self) -> Result<usize, RegistryError> {
        // SQLite's own judgement of which tables' statistics are stale (their row counts
        // changed tenfold, or never gathered): it does not say which it gathered.
        self.run(|c| {
            c.execute_batch("PRAGMA optimize")?;
            Ok(0)
        })
        .await
    }
}
