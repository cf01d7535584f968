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
//! - each organisation's feed seqs come from its own cursor row, locked until commit, so
//!   they become visible in order and a reader's cursor never skips an entry still being
//!   written ([`feed`]).
//!
//! An ingest reads what it needs in a handful of queries, decides every event in memory
//! and writes each table with one statement, whatever the batch size.
//!
//! The same schema and statements serve plain PostgreSQL and Citus (migration 10
//! distributes the tables when the extension is present; [`Engine`] says which one the
//! store found): custody rows live by container, feeds by reading organisation, and no
//! statement joins tables distributed by different keys, so each goes to the shards of the
//! containers or organisations it names. The advisory locks are the coordinator's.

mod audit;
mod auditing;
mod enrol;
mod feed;
mod ingest;
mod judging;
mod migrations;
mod offers;
mod orgs;
mod sightings;
mod statistics;
pub mod tls;
mod tracks;

use super::{parse, OfferPut, OfferRecord, OrgRecord, RegistryStore};
use crate::error::{ErrorKind, RegistryError};
use crate::signatures::SignatureCheck;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use ingest::ingest_in;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};
use yima_codes::{CreditCode, LabelCode};
use yima_core::{PublicKey, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{DeviceInfo, FeedEntry, FeedPage, NewEnrolmentCode, NewOrg, PushResult};

/// The migration that adds the audit index, rebuilt from the stored events once applied.
const AUDIT_INDEX_MIGRATION: i64 = 9;

/// How long the readiness check waits for a connection and an answer.
const READY_WAIT: Duration = Duration::from_secs(2);

/// Connections in the pool.
pub const POOL_SIZE: usize = 8;

/// The advisory lock held while migrating. Two `int4` keys: a key space apart from the
/// single `bigint` keys of containers.
const MIGRATION_LOCK: (i32, i32) = (0x5969_6d61, 1); // "Yima", 1

/// The PostgreSQL registry store: a pool of connections.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    refused_quota: std::sync::Arc<std::sync::atomic::AtomicU64>,
    engine: Engine,
}

/// Which engine a [`PostgresStore`] runs on, found when it connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// A single PostgreSQL server.
    Postgres,
    /// A Citus coordinator: the registry's tables distributed over its workers.
    Citus {
        /// Worker nodes in the cluster's metadata (0: the coordinator holds every shard).
        workers: u32,
    },
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Postgres => f.write_str("PostgreSQL"),
            Engine::Citus { workers } => write!(f, "Citus ({workers} workers)"),
        }
    }
}

/// The advisory lock key between pushes that read the regulators (shared) and registering
/// a regulator (exclusive): a regulator registered while a push begins containers in its
/// jurisdiction either is seen by that push or backfills its containers.
pub(super) const REGULATORS_LOCK: i64 = 0x5949_4d41_5245_4731; // "YIMAREG1"

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) with a pool of
    /// [`POOL_SIZE`] connections, and applies migrations. TLS by the URL's `sslmode`
    /// (`require`, `verify-ca`, `verify-full`, with `sslrootcert`; see [`tls`]); without
    /// one the connection is not encrypted: keep the database on the registry's host or a
    /// private network.
    pub async fn connect(url: &str) -> Result<PostgresStore, RegistryError> {
        // The URL may hold a password: error messages never repeat it.
        let parsed = tls::parse_url(url)?;
        let mut config: tokio_postgres::Config = parsed.url.parse().map_err(|e| {
            RegistryError::new(ErrorKind::Storage, format!("invalid PostgreSQL URL: {e}"))
        })?;
        // Every statement planned for its own parameters: a generic plan cached while a
        // table was small (a pool's connection lives from an empty registry on) later scans
        // it whole: the evaluator's track and link reads did, ingest slowing as the
        // registry grew. Planning costs far less than one such scan. And no JIT compiling:
        // the registry's statements each read a few rows by their keys, where compiling
        // took 20–95 ms a statement (on the orgs table's 200 rows, when a plan's cost was
        // high only because a scan was discouraged: see `KEYED_READS`).
        let options = config
            .get_options()
            .map(|o| format!("{o} "))
            .unwrap_or_default();
        config.options(format!(
            "{options}-c plan_cache_mode=force_custom_plan -c jit=off"
        ));
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match parsed.mode {
            tls::SslMode::Disable => {
                config.ssl_mode(tokio_postgres::config::SslMode::Disable);
                Manager::from_config(config, NoTls, manager_config)
            }
            mode => {
                // A server without TLS is refused, never fallen back to in plain text.
                config.ssl_mode(tokio_postgres::config::SslMode::Require);
                let tls = tls::MakeRustls(tls::client_config(mode, parsed.root_cert.as_deref())?);
                Manager::from_config(config, tls, manager_config)
            }
        };
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .wait_timeout(Some(Duration::from_secs(60)))
            .build()
            .map_err(|e| RegistryError::new(ErrorKind::Storage, format!("postgres pool: {e}")))?;
        let mut store = PostgresStore {
            pool,
            refused_quota: std::sync::Arc::new(super::REFUSED_QUOTA.into()),
            engine: Engine::Postgres,
        };
        store.migrate().await?;
        store.engine = store.detect_engine().await?;
        Ok(store)
    }

    /// The engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    async fn detect_engine(&self) -> Result<Engine, RegistryError> {
        let c = self.client().await?;
        let citus: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
                &[],
            )
            .await?
            .get(0);
        if !citus {
            return Ok(Engine::Postgres);
        }
        let workers: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0",
                &[],
            )
            .await?
            .get(0);
        Ok(Engine::Citus {
            workers: u32::try_from(workers).unwrap_or(u32::MAX),
        })
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
        for (version, name, sql) in migrations::MIGRATIONS {
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
                    if *version == AUDIT_INDEX_MIGRATION {
                        // The index of the events stored before it.
                        audit::reindex(&tx).await?;
                    }
                    tx.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        &[version, name, &sum],
                    )
                    .await?;
                }
            }
        }
        // On Citus, every table distributed (migration 10's function; none left to do once
        // it ran here, some when the database was moved to Citus afterwards).
        let citus: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
                &[],
            )
            .await?
            .get(0);
        if citus {
            tx.execute("SELECT yima_distribute()", &[]).await?;
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

/// Sets, for the rest of the caller's transaction, that its reads go by their keys: every
/// read of the ingest and of the anomaly evaluator names the rows it wants (`= ANY` of a
/// push's or a batch's codes), so a whole-table scan is never the right plan for them, yet
/// PostgreSQL picks one when its statistics lag a table growing fast (a registry filling
/// up, a benchmark, a bulk import): with statistics from when the table was a tenth of its
/// size, 200 codes look like every row. Measured on a generated city at 80 000 events: a
/// push's stored-event check went from 2.7 ms to 7.8 ms as the table grew, a parallel
/// scan of `events` each time. A cost penalty, not a ban: with no index to use, a table is
/// still scanned.
pub(super) const KEYED_READS: &str = "SET LOCAL enable_seqscan = off";

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
        fixes: None,
    })
}

impl RegistryStore for PostgresStore {
    async fn registry_key(&self, fresh: [u8; 32]) -> Result<[u8; 32], RegistryError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(
            "INSERT INTO registry_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
            &[&hex::encode(fresh)],
        )
        .await?;
        let kept: String = tx
            .query_one("SELECT secret FROM registry_key WHERE id = 1", &[])
            .await?
            .get(0);
        tx.commit().await?;
        super::registry_secret(&kept)
    }

    async fn add_org(&self, org: NewOrg, now: Timestamp) -> Result<(), RegistryError> {
        orgs::add_org(self, org, now).await
    }

    async fn org(&self, code: CreditCode) -> Result<Option<OrgRecord>, RegistryError> {
        orgs::org(self, code).await
    }

    async fn add_enrolment_code(
        &self,
        code_hash: String,
        req: NewEnrolmentCode,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), RegistryError> {
        enrol::add_enrolment_code(self, code_hash, req, now, expires).await
    }

    async fn redeem_enrolment_with(
        &self,
        code_hash: String,
        key: PublicKey,
        own_block: Option<yima_codes::SequenceBlock>,
        now: Timestamp,
    ) -> Result<DeviceInfo, RegistryError> {
        enrol::redeem(self, code_hash, key, own_block, now).await
    }

    async fn device(&self, key: PublicKey) -> Result<Option<DeviceInfo>, RegistryError> {
        enrol::device(self, key).await
    }

    async fn ready(&self) -> Result<(), RegistryError> {
        let c = tokio::time::timeout(READY_WAIT, self.client())
            .await
            .map_err(|_| {
                RegistryError::new(
                    ErrorKind::Storage,
                    "no database connection within the readiness wait",
                )
            })??;
        tokio::time::timeout(READY_WAIT, c.simple_query("SELECT 1"))
            .await
            .map_err(|_| {
                RegistryError::new(
                    ErrorKind::Storage,
                    "the database did not answer within the readiness wait",
                )
            })??;
        Ok(())
    }

    fn pool_status(&self) -> Option<crate::metrics::PoolStatus> {
        let s = self.pool.status();
        Some(crate::metrics::PoolStatus {
            size: s.size,
            available: s.available,
            max: s.max_size,
            waiting: s.waiting,
        })
    }

    async fn org_devices(&self, org: CreditCode) -> Result<Vec<DeviceInfo>, RegistryError> {
        enrol::org_devices(self, org).await
    }

    async fn devices(&self) -> Result<Vec<DeviceInfo>, RegistryError> {
        enrol::devices(self).await
    }

    async fn devices_seen_by(&self, org: CreditCode) -> Result<Vec<DeviceInfo>, RegistryError> {
        enrol::devices_seen_by(self, org).await
    }

    async fn revoke(&self, key: PublicKey, at: Timestamp) -> Result<bool, RegistryError> {
        enrol::revoke(self, key, at).await
    }

    async fn give_sequence_block(
        &self,
        key: PublicKey,
    ) -> Result<yima_protocol::SequenceBlockGiven, RegistryError> {
        enrol::give_block(self, key).await
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
        signatures: SignatureCheck,
        now: Timestamp,
    ) -> Result<Vec<PushResult>, RegistryError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let quota = self
            .refused_quota
            .load(std::sync::atomic::Ordering::Relaxed);
        let mut c = self.client().await?;
        ingest_in(&mut c, &events, &pusher, signatures, now, quota).await
    }

    async fn feed(
        &self,
        org: CreditCode,
        after: i64,
        limit: u32,
    ) -> Result<FeedPage, RegistryError> {
        feed::page(self, org, after, limit).await
    }

    async fn container_history(&self, code: LabelCode) -> Result<Vec<FeedEntry>, RegistryError> {
        let c = self.client().await?;
        feed::history(&c, code.as_str()).await
    }

    async fn statuses(
        &self,
        codes: Vec<LabelCode>,
    ) -> Result<Vec<(LabelCode, yima_core::ContainerStatus)>, RegistryError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached("SELECT code, status FROM containers WHERE code = ANY($1::text[])")
            .await?;
        let texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let rows = c.query(&stmt, &[&texts]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for code in codes {
            if let Some(row) = rows.iter().find(|r| r.get::<_, &str>(0) == code.as_str()) {
                let status = super::status::read(row.get::<_, &str>(1))?;
                out.push((code, status));
            }
        }
        Ok(out)
    }

    async fn readable_history(
        &self,
        org: CreditCode,
        code: LabelCode,
    ) -> Result<Vec<FeedEntry>, RegistryError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached("SELECT home, seq FROM event_links WHERE container = $1")
            .await?;
        let places: Vec<(String, i64)> = c
            .query(&stmt, &[&code.as_str()])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // Those in the organisation's feed.
        let seqs: Vec<i64> = places.iter().map(|p| p.1).collect();
        let stmt = c
            .prepare_cached(
                "SELECT event_container, event_seq FROM feed WHERE org = $1 AND event_seq = ANY($2::bigint[])",
            )
            .await?;
        let readable: std::collections::HashSet<(String, i64)> = c
            .query(&stmt, &[&org.as_str(), &seqs])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let places: Vec<(String, i64)> = places
            .into_iter()
            .filter(|p| readable.contains(p))
            .collect();
        Ok(feed::in_order(feed::events_at(&c, &places).await?))
    }

    async fn readable_mentioning(
        &self,
        org: CreditCode,
        text: String,
    ) -> Result<Vec<FeedEntry>, RegistryError> {
        let c = self.client().await?;
        // The subquery reads the organisation's shard; on Citus its rows go to every shard
        // of events, each searching its own.
        let stmt = c
            .prepare_cached(
                "SELECT e.seq, e.id, e.body, e.signatures, e.arrived_at, e.fork_of FROM events e
                 WHERE strpos(e.body, $2) > 0
                   AND (e.container, e.seq) IN (SELECT event_container, event_seq FROM feed WHERE org = $1)
                 ORDER BY e.seq, e.id",
            )
            .await?;
        c.query(&stmt, &[&org.as_str(), &text])
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

    fn set_refused_quota(&self, per_device: u64) {
        self.refused_quota
            .store(per_device, std::sync::atomic::Ordering::Relaxed);
    }

    async fn refused_tally(&self, key: PublicKey) -> Result<super::RefusedTally, RegistryError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT refused, kept FROM refused_tally WHERE pushed_by = $1",
                &[&key.to_string()],
            )
            .await?;
        let (refused, kept): (i64, i64) = row.map_or((0, 0), |r| (r.get(0), r.get(1)));
        Ok(super::RefusedTally {
            refused: refused as u64,
            kept: kept as u64,
        })
    }

    async fn put_offer(
        &self,
        offer: OfferRecord,
        max_waiting: u64,
        now: Timestamp,
    ) -> Result<OfferPut, RegistryError> {
        let mut c = self.client().await?;
        offers::put_offer(&mut c, &offer, max_waiting, now).await
    }

    async fn offers_for(
        &self,
        taker: PublicKey,
        limit: u32,
    ) -> Result<Vec<yima_protocol::HandoverOffer>, RegistryError> {
        let c = self.client().await?;
        offers::offers_for(&c, &taker, limit).await
    }

    async fn put_tracks(
        &self,
        tracks: Vec<super::TrackRecord>,
        now: Timestamp,
    ) -> Result<(), RegistryError> {
        let mut c = self.client().await?;
        tracks::put_tracks(&mut c, &tracks, now).await
    }

    async fn tracks_of(
        &self,
        events: Vec<yima_core::EventId>,
    ) -> Result<std::collections::HashMap<yima_core::EventId, Vec<yima_core::Fix>>, RegistryError>
    {
        let c = self.client().await?;
        tracks::tracks_of(&c, &events).await
    }

    async fn refresh_statistics(&self) -> Result<usize, RegistryError> {
        let c = self.client().await?;
        statistics::refresh(&c).await
    }
}
