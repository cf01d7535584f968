//! The device's SQLite store: custody events (append-only, enforced by triggers), their
//! signatures and per-container links, containers, drawn label sequences and batch codes,
//! known keys and the sync outbox.
//!
//! Durability: WAL with `synchronous=FULL`, and every write in one `BEGIN IMMEDIATE`
//! transaction ([`Store::write`]): once a write returns, the event survives `kill -9` and
//! power loss.
//!
//! ```
//! let mut store = yima_store::Store::open_in_memory().unwrap();
//! let n = store.read(|tx| tx.event_count()).unwrap();
//! assert_eq!(n, 0);
//! ```
#![deny(missing_docs)]

mod error;
mod migrate;
mod queries;
mod rows;

pub use error::{StoreError, StoreErrorKind};
pub use migrate::{migrate, Migration, MIGRATIONS};
pub use queries::{QueuedOffer, ReceivedOfferRow, SightingRow, SIGHTING_REPEAT_MS};
pub use rows::{
    ContainerRow, DeviceRow, EventPos, EventRow, Head, KeySource, KnownKey, LinkRow, NewEvent,
    OutboxStatus, Tx,
};

use rows::StatusCache;
use rusqlite::{Connection, TransactionBehavior};
use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

/// The device store: one SQLite file.
pub struct Store {
    conn: Connection,
    /// Container statuses kept between write transactions (see `rows::StatusCache`).
    statuses: RefCell<StatusCache>,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, applying and checking migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        private(path)?;
        let conn = Connection::open(path)?;
        Store::setup(conn)
    }

    /// A store in memory (tests and examples).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MiB of page cache instead of SQLite's 2 MiB: a batch of a few thousand events
        // (a printing station's run) then stays in memory until its commit instead of
        // spilling pages to the WAL half-way and reading them back.
        conn.pragma_update(None, "cache_size", -32768)?;
        migrate(&mut conn, MIGRATIONS)?;
        Ok(Store {
            conn,
            statuses: RefCell::new(StatusCache::default()),
        })
    }

    /// Runs `f` in one immediate (write-locking) transaction, committed only if `f` succeeds.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        // Another connection's commit since the last transaction makes every kept status
        // suspect: forget them.
        let version: i64 = tx
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        {
            let mut kept = self.statuses.borrow_mut();
            if kept.data_version != Some(version) {
                kept.clear();
                kept.data_version = Some(version);
            }
        }
        let out = f(&Tx::new(&tx, Some(&self.statuses)));
        let out = match out {
            Ok(out) => tx
                .commit()
                .map(|()| out)
                .map_err(|e| StoreError::from(e).into()),
            Err(e) => Err(e),
        };
        if out.is_err() {
            // What was kept during a transaction that did not commit may not be stored.
            self.statuses.borrow_mut().clear();
        }
        out
    }

    /// Runs `f` in a read transaction (a consistent snapshot).
    pub fn read<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(StoreError::from)?;
        let out = f(&Tx::new(&tx, None))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Reads an integer PRAGMA of this store's own connection (`synchronous` and
    /// `foreign_keys` are per connection, so only this connection can show them). For tests.
    #[doc(hidden)]
    pub fn pragma(&self, name: &str) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, name, |r| r.get(0))?)
    }
}

/// The store holds the device's secret key: its file, and the WAL and shared-memory files
/// SQLite makes beside it (with the database's own permissions), are readable by their owner
/// only. A store made before this rule is tightened when it is opened.
fn private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let failed = |p: &Path, e: std::io::Error| {
            StoreError::new(
                StoreErrorKind::Database,
                format!("cannot make {} private: {e}", p.display()),
            )
        };
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(|e| failed(path, e))?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| failed(&file, e))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
