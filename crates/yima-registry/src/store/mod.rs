//! Registry storage: one trait, a SQLite and a PostgreSQL implementation. Decisions about
//! events are made by [`crate::ingest::decide`], the same for both.

mod batch;
mod postgres;
mod sqlite;
mod status;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::error::RegistryError;
use crate::signatures::SignatureCheck;
use std::future::Future;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{PublicKey, Role, SignedEvent, Timestamp};
use yima_protocol::{DeviceInfo, FeedEntry, FeedPage, NewEnrolmentCode, NewOrg, PushResult};

/// An organisation as registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgRecord {
    /// Credit code.
    pub credit_code: CreditCode,
    /// Name.
    pub name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// For regulators: the division code prefix they oversee.
    pub jurisdiction: Option<String>,
}

/// What the registry stores, behind one interface.
pub trait RegistryStore: Send + Sync + 'static {
    /// Registers an organisation (Conflict if it exists).
    fn add_org(
        &self,
        org: NewOrg,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), RegistryError>> + Send;
    /// One organisation.
    fn org(
        &self,
        code: CreditCode,
    ) -> impl Future<Output = Result<Option<OrgRecord>, RegistryError>> + Send;
    /// Stores the hash of a new single-use enrolment code.
    fn add_enrolment_code(
        &self,
        code_hash: String,
        req: NewEnrolmentCode,
        now: Timestamp,
        expires: Timestamp,
    ) -> impl Future<Output = Result<(), RegistryError>> + Send;
    /// Uses an enrolment code for `key`, atomically: the code can be used once.
    fn redeem_enrolment(
        &self,
        code_hash: String,
        key: PublicKey,
        now: Timestamp,
    ) -> impl Future<Output = Result<DeviceInfo, RegistryError>> + Send;
    /// One device.
    fn device(
        &self,
        key: PublicKey,
    ) -> impl Future<Output = Result<Option<DeviceInfo>, RegistryError>> + Send;
    /// Every device (the key directory).
    fn devices(&self) -> impl Future<Output = Result<Vec<DeviceInfo>, RegistryError>> + Send;
    /// Revokes a key from `at` on; false if there is no such device.
    fn revoke(
        &self,
        key: PublicKey,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, RegistryError>> + Send;
    /// Records a request nonce; false if the key used it before (a replay).
    fn use_nonce(
        &self,
        key: PublicKey,
        nonce: String,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, RegistryError>> + Send;
    /// Ingests events pushed by `pusher`, each decided and stored in one transaction per
    /// push. While `signatures` is pending the push is decided as if it will pass, and
    /// committed only once it has; if it fails, the push is decided again checking every
    /// signature on its own.
    fn ingest(
        &self,
        events: Vec<SignedEvent>,
        pusher: PublicKey,
        signatures: SignatureCheck,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<PushResult>, RegistryError>> + Send;
    /// The feed of `org` after a cursor.
    fn feed(
        &self,
        org: CreditCode,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<FeedPage, RegistryError>> + Send;
    /// Every stored event of a container (forks included), in arrival order.
    fn container_history(
        &self,
        code: LabelCode,
    ) -> impl Future<Output = Result<Vec<FeedEntry>, RegistryError>> + Send;
    /// Number of events stored, refused events not counted.
    fn event_count(&self) -> impl Future<Output = Result<u64, RegistryError>> + Send;
}

pub(crate) fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn parse_roles(text: &str) -> Result<Vec<Role>, RegistryError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|r| {
            r.parse::<Role>()
                .map_err(|e| RegistryError::new(crate::ErrorKind::Storage, e.to_string()))
        })
        .collect()
}

pub(crate) fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, RegistryError>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| {
        RegistryError::new(
            crate::ErrorKind::Storage,
            format!("stored {what} {s:?} unreadable: {e}"),
        )
    })
}

/// The administrative division code of a container's producer (credit code characters 3–8).
pub(crate) fn division(code: &LabelCode) -> String {
    code.producer().as_str()[2..8].to_string()
}
