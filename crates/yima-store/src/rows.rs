//! Row types and the transaction handle the queries hang off.

use chrono::NaiveDate;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use yima_codes::{BatchKind, CreditCode, LabelCode, SequenceBlock};
use yima_core::{
    ContainerState, ContainerStatus, DeviceKey, EventId, Party, PublicKey, Role, Timestamp,
};

/// A transaction on the store; the query methods live in `queries/`, one file per table.
pub struct Tx<'a> {
    pub(crate) tx: &'a rusqlite::Transaction<'a>,
    /// What this transaction has learned about drawn numbers (see `Drawn`).
    pub(crate) drawn: RefCell<Drawn>,
    /// The highest counter value known used by a composer in this transaction (see
    /// [`Tx::next_seq`]).
    pub(crate) seq: Cell<Option<(PublicKey, u64)>>,
    /// The store's container statuses, in a write transaction only (see [`StatusCache`]).
    pub(crate) statuses: Option<&'a RefCell<StatusCache>>,
    /// The inserts every recorded event makes, each taken from the connection's statement
    /// cache at its first use and held until the transaction ends (see [`Hot`]).
    hot: [RefCell<Option<rusqlite::CachedStatement<'a>>>; Hot::COUNT],
}

/// The inserts a batch of events runs once or more per event. Each is held prepared by its
/// [`Tx`] instead of being looked up in the connection's statement cache at every run (which
/// hashes the SQL text to find it, then puts it back): for a batch of generated events that
/// was about a tenth of the calling thread's work.
#[derive(Clone, Copy)]
pub(crate) enum Hot {
    InsertEvent,
    AddSignature,
    InsertLink,
    InsertOutbox,
    InsertContainer,
    InsertLabelSequence,
    InsertBatch,
}

impl Hot {
    const COUNT: usize = 7;
}

impl<'a> Tx<'a> {
    pub(crate) fn new(
        tx: &'a rusqlite::Transaction<'a>,
        statuses: Option<&'a RefCell<StatusCache>>,
    ) -> Tx<'a> {
        Tx {
            tx,
            drawn: RefCell::new(Drawn::default()),
            seq: Cell::new(None),
            statuses,
            hot: Default::default(),
        }
    }

    /// Runs the insert `which`, whose SQL is `sql`, with `params`: the statement is prepared
    /// (or taken from the connection's cache) once per transaction. Returns the rows changed.
    pub(crate) fn run_hot<P: rusqlite::Params>(
        &self,
        which: Hot,
        sql: &str,
        params: P,
    ) -> Result<usize, crate::StoreError> {
        let mut slot = self.hot[which as usize].borrow_mut();
        let stmt = match &mut *slot {
            Some(stmt) => stmt,
            None => slot.insert(self.tx.prepare_cached(sql)?),
        };
        Ok(stmt.execute(params)?)
    }

    /// Takes the status of `code` as kept in memory since an earlier write transaction of
    /// this store folded or extended its chain, if it is kept (write transactions only).
    /// Taken, not copied: the caller is about to extend the chain and keep the status that
    /// follows ([`Tx::keep_status`]); until then only its head stays known
    /// ([`Tx::cached_head`]), and a second take finds nothing (the chain is read again).
    pub fn take_cached_status(&self, code: &LabelCode) -> Option<ContainerStatus> {
        self.statuses?
            .borrow_mut()
            .map
            .get_mut(code)
            .and_then(|kept| kept.status.take())
    }

    /// The head of the status of `code` kept (or taken) in memory, if any.
    pub fn cached_head(&self, code: &LabelCode) -> Option<EventId> {
        self.statuses?.borrow().map.get(code).map(|kept| kept.head)
    }

    /// Keeps `status` as the status of `code`: the caller states that it is exactly the
    /// fold of every event of `code` stored so far in this transaction (what
    /// `yima-device` derives from the chain), so that a later write transaction can use it
    /// instead of reading and decoding the chain again. Write transactions only; a
    /// transaction that fails forgets every status kept.
    pub fn keep_status(&self, code: &LabelCode, status: ContainerStatus) {
        if let Some(cache) = self.statuses {
            cache.borrow_mut().insert(code.clone(), status);
        }
    }

    /// Forgets what is kept of the status of `code` (its chain is read again when needed).
    pub fn forget_status(&self, code: &LabelCode) {
        if let Some(cache) = self.statuses {
            cache.borrow_mut().map.remove(code);
        }
    }

    /// Keeps only the head of the status of `code`, as [`Tx::keep_status`] then
    /// [`Tx::take_cached_status`] would: the caller holds the status itself.
    pub fn keep_head(&self, code: &LabelCode, head: EventId) {
        if let Some(cache) = self.statuses {
            cache.borrow_mut().insert_head(code.clone(), head);
        }
    }
}

/// Container statuses derived from their stored chains, kept across write transactions of
/// one [`crate::Store`]. Exact, not a guess: the custody tables are append-only; the store
/// forgets them all when another connection has committed anything since (SQLite's
/// `data_version`), when a transaction of its own fails, and when it holds too many.
#[derive(Default)]
pub(crate) struct StatusCache {
    map: HashMap<LabelCode, Kept>,
    /// `PRAGMA data_version` when the statuses were last known exact.
    pub(crate) data_version: Option<i64>,
}

impl StatusCache {
    /// Statuses kept at most (about 1–2 KB each).
    const MAX: usize = 20_000;

    fn insert(&mut self, code: LabelCode, status: ContainerStatus) {
        if self.map.len() >= Self::MAX && !self.map.contains_key(&code) {
            self.map.clear();
        }
        let head = status.head;
        self.map.insert(
            code,
            Kept {
                head,
                status: Some(status),
            },
        );
    }

    fn insert_head(&mut self, code: LabelCode, head: EventId) {
        if self.map.len() >= Self::MAX && !self.map.contains_key(&code) {
            self.map.clear();
        }
        self.map.insert(code, Kept { head, status: None });
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.data_version = None;
    }
}

/// A kept status, or only its head while a transaction has taken it.
struct Kept {
    head: EventId,
    status: Option<ContainerStatus>,
}

/// Label sequences and batch serials as drawn in this transaction, so that a batch of draws
/// (a printing station's `register_all`, a run of scans) reads each day's numbers from the
/// database once instead of once per draw. Exact, not a guess: a `Tx` lives for one
/// transaction, which holds the write lock (`BEGIN IMMEDIATE`), and `label_sequences` and
/// `batches` are append-only tables written only by the draw functions, which update this
/// record after each successful insert.
#[derive(Default)]
pub(crate) struct Drawn {
    /// Day → per producer and waste code, every sequence used.
    pub(crate) labels: HashMap<NaiveDate, Vec<UsedSequences>>,
    /// Batch kind and day → the highest serial used (serials run 1, 2, 3… per prefix).
    pub(crate) batches: HashMap<(BatchKind, NaiveDate), u32>,
}

/// The used label sequences of one producer, waste code and day.
pub(crate) struct UsedSequences {
    pub(crate) producer: String,
    /// Waste code digits.
    pub(crate) waste: String,
    /// `YYYYMMDD`.
    pub(crate) day: String,
    pub(crate) used: BTreeSet<u16>,
    /// (block start, n): every sequence of the block from its start below n is used.
    pub(crate) full_below: Option<(u16, u16)>,
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

/// An event row as stored, with its index columns, not yet trusted. Ids, keys and
/// signatures are the stored bytes as they are (see [`EventRow::to_raw`] for reading them as
/// an id, keys and signatures): 32 or 64 of them, unless the row was edited by hand.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// Local arrival order.
    pub pos: i64,
    /// Stored id column.
    pub id: Vec<u8>,
    /// Stored canonical body.
    pub body: Vec<u8>,
    /// Stored step column.
    pub step: String,
    /// Stored time column.
    pub at: i64,
    /// Stored recorder key column.
    pub recorder: Vec<u8>,
    /// Stored recorder organisation column.
    pub recorder_org: String,
    /// Stored composer key column.
    pub composer: Vec<u8>,
    /// Stored counter column.
    pub seq: i64,
    /// When this device stored it.
    pub stored_at: i64,
    /// Its signatures: (key, signature) as stored, not yet parsed.
    pub signatures: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A per-container link row. The event and previous event are the stored bytes as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRow {
    /// The event.
    pub event_id: Vec<u8>,
    /// The container.
    pub container: String,
    /// The previous event of the container.
    pub prev: Option<Vec<u8>>,
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
    /// The event that created it: the stored bytes as they are.
    pub event_id: Vec<u8>,
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

/// Where a stored event is in this store (its local arrival order), as returned by
/// [`Tx::insert_event`] to add its signatures in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventPos(pub i64);

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

/// Stored bytes (an id, key or signature) that must be exactly `N` of them; any other
/// length is corruption.
pub(crate) fn fixed<const N: usize>(
    what: &str,
    bytes: &[u8],
) -> Result<[u8; N], crate::StoreError> {
    bytes.try_into().map_err(|_| {
        crate::error::corrupt(format!(
            "stored {what} {} is not {N} bytes",
            hex::encode(bytes)
        ))
    })
}

pub(crate) fn parse_col<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, crate::StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>()
        .map_err(|e| crate::error::corrupt(format!("stored {what} {s:?} is unreadable: {e}")))
}

/// A column of bytes (an id, key or signature) as lowercase hex, the text the row types
/// carry. Text is taken as it is, so that a hand-edited row still reads and is reported.
pub(crate) fn hex_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    match r.get_ref(i)? {
        ValueRef::Blob(b) => Ok(hex::encode(b)),
        ValueRef::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
        v => Err(rusqlite::Error::InvalidColumnType(
            i,
            format!("column {i}"),
            v.data_type(),
        )),
    }
}

/// A column of bytes (an id, key or signature) as stored. The custody tables are `STRICT`,
/// so these columns hold BLOBs; text (only a hand edit can put it there) is read as
/// migration 0003 reads the text of older stores: as hex if it is hex, else as its bytes, so
/// that the row still reads and what differs is reported.
pub(crate) fn bytes_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<u8>> {
    use rusqlite::types::ValueRef;
    match r.get_ref(i)? {
        ValueRef::Blob(b) => Ok(b.to_vec()),
        ValueRef::Text(t) => Ok(hex::decode(t).unwrap_or_else(|_| t.to_vec())),
        v => Err(rusqlite::Error::InvalidColumnType(
            i,
            format!("column {i}"),
            v.data_type(),
        )),
    }
}
