//! Yima's central registry: devices push signed custody events, the registry checks each one
//! (signature, key, chain link, the state table and the rules of custody, scope) and keeps
//! it — accepted, flagged as a fork, or refused with its reason, never silently dropped —
//! and serves each organisation the feed of events it may see, plus the key directory.
//!
//! Storage sits behind [`RegistryStore`]: [`SqliteStore`] (the embedded default) and
//! [`PostgresStore`] for production.
#![deny(missing_docs)]

mod admin;
pub mod anomalies;
mod audit;
mod auth;
mod authority;
mod bundle;
mod enrolment;
mod error;
mod ingest;
mod limits;
pub mod metrics;
mod middleware;
mod offers;
mod openapi;
mod public_page;
mod road;
mod routes;
pub mod server;
mod sightings;
mod signatures;
pub mod statistics;
mod store;
pub mod testing;
mod tracks;

pub use audit::scope_of;
pub use authority::{may_administer, may_register};
pub use bundle::{bundle_as, bundle_for};
pub use enrolment::{check_org, code_hash, issue_enrolment_code, new_code, ENROLMENT_CODE_TTL_MS};
pub use error::{ErrorKind, RegistryError};
pub use ingest::{decide, parties, Decision, MAX_FUTURE_MS};
pub use limits::{Rate, RateLimits};
pub use metrics::{Metrics, PoolStatus};
pub use routes::{router, RegistryKeyAnswer};
pub use server::{serve, ServeOptions};
pub use signatures::SignatureCheck;
pub use store::audit::{check_rule, AuditScope, Criteria};
pub use store::{
    sequence_blocks, Engine, JudgeInputs, Judged, OfferPut, OfferRecord, OrgRecord, PostgresStore,
    RefusedTally, RegistryStore, SqliteStore, TrackRecord, REFUSED_QUOTA, SEQUENCE_BLOCKS,
};

use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use yima_core::{DeviceKey, Timestamp};

/// How long a request's body may take to arrive by default: 30 s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares: the store, the clock, the rate limits and the metrics.
pub struct AppState<S> {
    /// The store.
    pub store: Arc<S>,
    /// The registry's clock.
    pub clock: Arc<dyn Fn() -> Timestamp + Send + Sync>,
    /// The metrics served at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// How long a request's body may take to arrive (408 after).
    pub body_timeout: Duration,
    /// Behind a proxy: the header whose last address is the client's (e.g.
    /// `x-forwarded-for`), for the per-address rate limits; else the connection's peer.
    pub client_ip_header: Option<axum::http::HeaderName>,
    pub(crate) limits: Arc<limits::Limiters>,
    /// The registry's signing key, which attests the bundles it exports: the one given
    /// ([`AppState::with_registry_key`]), else the database's, read (or generated and
    /// kept) on first use.
    registry_key: Arc<tokio::sync::OnceCell<DeviceKey>>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            store: self.store.clone(),
            clock: self.clock.clone(),
            metrics: self.metrics.clone(),
            body_timeout: self.body_timeout,
            client_ip_header: self.client_ip_header.clone(),
            limits: self.limits.clone(),
            registry_key: self.registry_key.clone(),
        }
    }
}

impl<S: RegistryStore> AppState<S> {
    /// State over `store` with the system clock and the default limits.
    pub fn new(store: S) -> AppState<S> {
        AppState {
            store: Arc::new(store),
            clock: Arc::new(|| Timestamp::from_datetime(chrono::Utc::now())),
            metrics: Arc::new(Metrics::default()),
            body_timeout: DEFAULT_BODY_TIMEOUT,
            client_ip_header: None,
            limits: Arc::new(limits::Limiters::new(RateLimits::default())),
            registry_key: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// The same state signing with `key` (read from the file the configuration names)
    /// instead of the key kept in the database.
    pub fn with_registry_key(mut self, key: DeviceKey) -> AppState<S> {
        self.registry_key = Arc::new(tokio::sync::OnceCell::new_with(Some(key)));
        self
    }

    /// The registry's signing key: the one given, else the one kept in the database,
    /// generated and kept there by the first registry to ask (two starting at once end
    /// with one key).
    pub async fn registry_key(&self) -> Result<&DeviceKey, RegistryError> {
        self.registry_key
            .get_or_try_init(|| async {
                let fresh = DeviceKey::generate(&mut rand::rngs::OsRng).secret_bytes();
                let kept = self.store.registry_key(fresh).await?;
                Ok(DeviceKey::from_secret(&kept))
            })
            .await
    }

    /// The same state with other rate limits.
    pub fn with_limits(mut self, limits: RateLimits) -> AppState<S> {
        self.limits = Arc::new(limits::Limiters::new(limits));
        self
    }

    /// The same state taking the client's address from `header` (its last address), as
    /// a proxy in front sets it.
    pub fn with_client_ip_header(mut self, header: axum::http::HeaderName) -> AppState<S> {
        self.client_ip_header = Some(header);
        self
    }

    /// The same state with another body timeout.
    pub fn with_body_timeout(mut self, timeout: Duration) -> AppState<S> {
        self.body_timeout = timeout;
        self
    }
}

/// Why the registry key file given in the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum RegistryKeyFileError {
    /// It cannot be read.
    #[error("cannot read the registry key file {path} / 无法读取登记中心密钥文件: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It does not hold 64 hex digits.
    #[error("{path}: a registry key file holds the key's 32-byte secret as 64 hex digits / 登记中心密钥文件应为 64 位十六进制私钥")]
    Malformed {
        /// The file.
        path: String,
    },
}

/// The registry's signing key from the file the configuration names: its 32-byte Ed25519
/// secret as 64 hex digits (white space around them aside).
pub fn read_registry_key(path: &std::path::Path) -> Result<DeviceKey, RegistryKeyFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| RegistryKeyFileError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let mut secret = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut secret).map_err(|_| {
        RegistryKeyFileError::Malformed {
            path: path.display().to_string(),
        }
    })?;
    Ok(DeviceKey::from_secret(&secret))
}

/// Hex SHA-256 of a text (migration checksums, enrolment code hashes).
pub fn checksum(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Serves the registry on an already bound listener with the default options until the
/// process ends.
pub async fn serve_plain<S: RegistryStore>(
    listener: tokio::net::TcpListener,
    state: AppState<S>,
) -> std::io::Result<()> {
    let metrics = state.metrics.clone();
    serve(
        listener,
        router(state),
        ServeOptions::default(),
        metrics,
        std::future::pending(),
    )
    .await
}
