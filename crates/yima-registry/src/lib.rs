//! Yima's central registry: devices push signed custody events, the registry checks each one
//! (signature, key, chain link, the state table and the rules of custody, scope) and keeps
//! it — accepted, flagged as a fork, or refused with its reason, never silently dropped —
//! and serves each organisation the feed of events it may see, plus the key directory.
//!
//! Storage sits behind [`RegistryStore`]: [`SqliteStore`] (the embedded default) and
//! [`PostgresStore`] for production.
#![deny(missing_docs)]

mod auth;
mod error;
mod ingest;
mod routes;
mod signatures;
mod store;
pub mod testing;

pub use error::{ErrorKind, RegistryError};
pub use ingest::{decide, parties, Decision, MAX_FUTURE_MS};
pub use routes::{
    check_org, code_hash, issue_enrolment_code, new_code, router, ENROLMENT_CODE_TTL_MS,
};
pub use signatures::SignatureCheck;
pub use store::{OrgRecord, PostgresStore, RegistryStore, SqliteStore};

use sha2::{Digest, Sha256};
use std::sync::Arc;
use yima_core::Timestamp;

/// What every handler shares: the store and the clock.
pub struct AppState<S> {
    /// The store.
    pub store: Arc<S>,
    /// The registry's clock.
    pub clock: Arc<dyn Fn() -> Timestamp + Send + Sync>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            store: self.store.clone(),
            clock: self.clock.clone(),
        }
    }
}

impl<S: RegistryStore> AppState<S> {
    /// State over `store` with the system clock.
    pub fn new(store: S) -> AppState<S> {
        AppState {
            store: Arc::new(store),
            clock: Arc::new(|| Timestamp::from_datetime(chrono::Utc::now())),
        }
    }
}

/// Hex SHA-256 of a text (migration checksums, enrolment code hashes).
pub fn checksum(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Serves the registry on an already bound listener until the process ends.
pub async fn serve_plain<S: RegistryStore>(
    listener: tokio::net::TcpListener,
    state: AppState<S>,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}
