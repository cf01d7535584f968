//! Row types and the transaction handle the queries hang off.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use yima_codes::{CreditCode, SequenceBlock};
use yima_core::{ContainerState, DeviceKey, EventId, Party, PublicKey, Role, Signature, Timestamp};

/// A transaction on the store; the query methods live in `queries/`, one file per table.
pub struct Tx<'a> {
    pub(crate) tx: &'a rusqlite::Transaction<'a>,
    /// What this transaction has learned about drawn numbers (see `Drawn`).
    pub(crate) drawn: RefCell<Drawn>,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(tx: &'a rusqlite::Transaction<'a>) -> Tx<'a> {
        Tx {
            tx,
            drawn: RefCell::new(Drawn::default()),
        }
    }
}

/// Label sequences and batch serials as drawn in this transaction, so that a batch of draws
/// (a printing station's `register_all`, a run of scans) reads each day's numbers from the
/// database once instead of once per draw. Exact, not a guess: a `Tx` lives for one
/// transaction, which holds the write lock (`BEGIN IMMEDIATE`), and `label_sequences` and
/// `batches` are append-only tables written only by the draw functions, which update this
/// record after each successful insert.
#[derive(Default)]
pub(crate) struct Drawn {
    /// (producer, waste code digits, day `YYYYMMDD`) → every sequence used.
    pub(crate) labels: HashMap<(String, String, String), BTreeSet<u16>>,
    /// Batch prefix with date → the highest serial used (serials run 1, 2, 3… per prefix).
    pub(crate) batches: HashMap<String, u32>,
}

/// This device's identity.
#[derive(Clone, Debug)]
pub struct DeviceRow {
    /// The organisation it belongs to.
    pub org: Party,
    /// The organisation's roles.
    pub org_roles: Vec<Role>,
    /// The role this device records in.
    pub role: Role,
    /// The device's signing key.
    pub key: DeviceKey,
    /// The block of label sequences this device draws from.
    pub seq_block: SequenceBlock,
    /// When the device was initialised.
    pub created_at: Timestamp,
}

/// Where a known key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// This device's own key.
    SelfKey,
    /// Learned from a handover with that party.
    Handover,
    /// Added by hand.
    Manual,
    /// From the registry's key directory.
    Registry,
}

impl KeySource {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            KeySource::SelfKey => "self",
            KeySource::Handover => "handover",
            KeySource::Manual => "manual",
            KeySource::Registry => "registry",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<KeySource> {
        Some(match s {
            "self" => KeySource::SelfKey,
            "handover" => KeySource::Handover,
            "manual" => KeySource::Manual,
            "registry" => KeySource::Registry,
            _ => return None,
        })
    }
}

/// A key this device trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownKey {
    /// The public key.
    pub key: PublicKey,
    /// Its organisation.
    pub org: CreditCode,
    /// The organisation's name.
    pub org_name: String,
    /// The organisation's roles.
    pub roles: Vec<Role>,
    /// Where it was learned.
    pub source: KeySource,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

/// An event row as stored, with its index columns, not yet trusted.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// Local arrival order.
    pub pos: i64,
    /// Stored id column.
    pub id: String,
    /// Stored canonical body.
    pub body: Vec<u8>,
    /// Stored step column.
    pub step: String,
    /// Stored time column.
    pub at: i64,
    /// Stored recorder key column.
    pub recorder: String,
    /// Stored recorder organisation column.
    pub recorder_org: String,
    /// Stored composer key column.
    pub composer: String,
    /// Stored counter column.
    pub seq: i64,
    /// When this device stored it.
    pub stored_at: i64,
    /// Its signatures (unparsed key, signature hex).
    pub signatures: Vec<(String, String)>,
}

/// A per-container link row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRow {
    /// The event.
    pub event_id: String,
    /// The container.
    pub container: String,
    /// The previous event of the container.
    pub prev: Option<String>,
    /// The container's state after the event.
    pub state_after: String,
    /// Who holds the container after the event.
    pub holder_after: String,
}

/// A container whose label this device knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRow {
    /// The 37-character code.
    pub code: String,
    /// The event that created it.
    pub event_id: String,
    /// Waste code.
    pub waste_code: String,
    /// Category.
    pub category: String,
    /// Waste name.
    pub name: String,
    /// Producer credit code.
    pub producer: String,
    /// Generation date (YYYY-MM-DD).
    pub generated_on: String,
    /// Declared quantity, thousandths of `unit`.
    pub quantity_milli: i64,
    /// Unit symbol.
    pub unit: String,
    /// Catalogue edition.
    pub catalogue_edition: String,
}

/// A container's head: its latest event and what it left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The latest event.
    pub event: EventId,
    /// State after it.
    pub state: ContainerState,
    /// Holder after it.
    pub holder: CreditCode,
}

/// The sync status of an event this device recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Not yet accepted by the registry.
    Pending,
    /// Accepted by the registry.
    Accepted,
    /// Refused by the registry, with its reason.
    Refused(String),
}

/// An event to append, with what its links leave behind.
pub struct NewEvent<'e> {
    /// The sealed, signed event.
    pub event: &'e yima_core::SignedEvent,
    /// For each link (same order as `event.body.links`): state and holder after it.
    pub after: Vec<(ContainerState, CreditCode)>,
    /// Whether it goes into the outbox to be synced.
    pub outbox: bool,
    /// When this device stores it.
    pub stored_at: Timestamp,
}

pub(crate) fn roles_to_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn roles_from_text(s: &str) -> Result<Vec<Role>, crate::StoreError> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<Role>().map_err(crate::error::corrupt))
        .collect()
}

pub(crate) fn parse_col<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, crate::StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>()
        .map_err(|e| crate::error::corrupt(format!("stored {what} {s:?} is unreadable: {e}")))
}

pub(crate) fn sig_row(s: &Signature) -> (String, String) {
    (s.key.to_string(), s.sig.to_string())
}
