//! Registry storage: one trait, a SQLite and a PostgreSQL implementation. Decisions about
//! events are made by [`crate::ingest::decide`], the same for both.

pub(crate) mod audit;
mod batch;
mod postgres;
mod sightings;
mod sqlite;
mod status;

pub use audit::{AuditStore, JudgeInputs, Judged};
pub use postgres::{Engine, PostgresStore};
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
pub trait RegistryStore: AuditStore + Send + Sync + 'static {
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
    /// Uses an enrolment code for `key`, atomically: the code can be used once. The device
    /// gets the first block of label sequences no device of its organisation holds.
    fn redeem_enrolment(
        &self,
        code_hash: String,
        key: PublicKey,
        now: Timestamp,
    ) -> impl Future<Output = Result<DeviceInfo, RegistryError>> + Send {
        self.redeem_enrolment_with(code_hash, key, None, now)
    }
    /// [`RegistryStore::redeem_enrolment`] for a device set up with its own block of label
    /// sequences (`own_block`): that block is recorded as its own, and refused (Conflict)
    /// if it overlaps another device's of its organisation.
    fn redeem_enrolment_with(
        &self,
        code_hash: String,
        key: PublicKey,
        own_block: Option<yima_codes::SequenceBlock>,
        now: Timestamp,
    ) -> impl Future<Output = Result<DeviceInfo, RegistryError>> + Send;
    /// One device.
    fn device(
        &self,
        key: PublicKey,
    ) -> impl Future<Output = Result<Option<DeviceInfo>, RegistryError>> + Send;
    /// Every device (the key directory).
    fn devices(&self) -> impl Future<Output = Result<Vec<DeviceInfo>, RegistryError>> + Send;
    /// The devices of one organisation, revoked ones included.
    fn org_devices(
        &self,
        org: CreditCode,
    ) -> impl Future<Output = Result<Vec<DeviceInfo>, RegistryError>> + Send;
    /// The devices a device of `org` needs to know: its own organisation's, every
    /// regulator's, and those of the organisations it shares a container with.
    fn devices_seen_by(
        &self,
        org: CreditCode,
    ) -> impl Future<Output = Result<Vec<DeviceInfo>, RegistryError>> + Send;
    /// Revokes a key from `at` on; false if there is no such device.
    fn revoke(
        &self,
        key: PublicKey,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, RegistryError>> + Send;
    /// Gives the device `key` the first block of label sequences no device of its
    /// organisation holds, if it has none; answers the block it holds otherwise. NotFound
    /// for an unknown key; Conflict for a revoked one or when every block is held.
    fn give_sequence_block(
        &self,
        key: PublicKey,
    ) -> impl Future<Output = Result<yima_protocol::SequenceBlockGiven, RegistryError>> + Send;
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
    /// The current status of each of `codes` the registry holds (others are left out).
    fn statuses(
        &self,
        codes: Vec<LabelCode>,
    ) -> impl Future<Output = Result<Vec<(LabelCode, yima_core::ContainerStatus)>, RegistryError>> + Send;
    /// The stored events linking `code` that are in the feed of `org` (what its devices
    /// may read), in arrival order (the entries' `seq` is the event's, not a feed cursor).
    fn readable_history(
        &self,
        org: CreditCode,
        code: LabelCode,
    ) -> impl Future<Output = Result<Vec<FeedEntry>, RegistryError>> + Send;
    /// The stored events in the feed of `org` whose body holds `text` (a manifest number,
    /// to be checked on the parsed event by the caller), in arrival order.
    fn readable_mentioning(
        &self,
        org: CreditCode,
        text: String,
    ) -> impl Future<Output = Result<Vec<FeedEntry>, RegistryError>> + Send;
    /// The secret of the registry's signing key kept in the database: `fresh` is kept when
    /// none is yet, in one transaction (inserted unless a row exists, then read back), so
    /// that registries starting at once on one database all end with one key.
    fn registry_key(
        &self,
        fresh: [u8; 32],
    ) -> impl Future<Output = Result<[u8; 32], RegistryError>> + Send;
    /// Number of events stored, refused events not counted.
    fn event_count(&self) -> impl Future<Output = Result<u64, RegistryError>> + Send;
    /// Whether the database takes writes now (readiness): an error if it does not.
    fn ready(&self) -> impl Future<Output = Result<(), RegistryError>> + Send;
    /// The connection pool's state, for a backend with a pool.
    fn pool_status(&self) -> Option<crate::metrics::PoolStatus> {
        None
    }
    /// Sets how many refused events of one pushing device are kept whole (the first ones);
    /// beyond it they are only counted. Defaults to [`REFUSED_QUOTA`].
    fn set_refused_quota(&self, per_device: u64);
    /// How many events pushed by `key` were refused, and how many of them are kept whole.
    fn refused_tally(
        &self,
        key: PublicKey,
    ) -> impl Future<Output = Result<RefusedTally, RegistryError>> + Send;
    /// Keeps a handover offer for its taker, in one transaction: once per event id, and
    /// only while its giver has fewer than `max_waiting` offers not taken yet.
    fn put_offer(
        &self,
        offer: OfferRecord,
        max_waiting: u64,
        now: Timestamp,
    ) -> impl Future<Output = Result<OfferPut, RegistryError>> + Send;
    /// Up to `limit` offers addressed to `taker` whose event is not stored yet (not taken),
    /// oldest first.
    fn offers_for(
        &self,
        taker: PublicKey,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<yima_protocol::HandoverOffer>, RegistryError>> + Send;
    /// Keeps the route fixes of stored events (checked before: see `tracks.rs`), all in one
    /// transaction; a fix already kept for an event's moment is left as it is.
    fn put_tracks(
        &self,
        tracks: Vec<TrackRecord>,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), RegistryError>> + Send;
    /// The route fixes kept for each of `events` that has some, sorted by time.
    fn tracks_of(
        &self,
        events: Vec<yima_core::EventId>,
    ) -> impl Future<
        Output = Result<
            std::collections::HashMap<yima_core::EventId, Vec<yima_core::Fix>>,
            RegistryError,
        >,
    > + Send;
    /// Gathers the query planner's statistics afresh for the tables that changed much since
    /// they were last gathered (PostgreSQL: more than 500 rows + 5 % of a table; SQLite:
    /// as `PRAGMA optimize` judges): how many tables it gathered them for, where the
    /// backend says.
    fn refresh_statistics(&self) -> impl Future<Output = Result<usize, RegistryError>> + Send;
}

/// The route fixes of one stored event, as the registry keeps them.
#[derive(Clone, Debug)]
pub struct TrackRecord {
    /// The event whose body signs their digest.
    pub event_id: yima_core::EventId,
    /// The carrier that recorded them (the event's giver, who pushed them).
    pub recorder: CreditCode,
    /// The fixes (canonical: sorted, one per moment).
    pub fixes: Vec<yima_core::Fix>,
}

/// A handover offer as the registry keeps it (checked before: see `offers.rs`).
#[derive(Clone, Debug)]
pub struct OfferRecord {
    /// The handover event's id.
    pub event_id: yima_core::EventId,
    /// The giver's key (the event's composer, who posted it).
    pub giver: PublicKey,
    /// The taker's key (the event's recorder).
    pub taker: PublicKey,
    /// The offer's JSON.
    pub body: String,
}

/// What became of an offer put in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferPut {
    /// Kept.
    Stored,
    /// Already kept, or its event already stored: nothing changed.
    Already,
    /// Its giver has too many offers waiting: not kept.
    Full,
}

/// How many label sequence blocks the registry divides an organisation's 999 sequences
/// (per waste code and day) into: one per enrolled device, up to this many devices.
pub const SEQUENCE_BLOCKS: u16 = 10;

/// The blocks the registry gives, in order: each half of what is left (1-500, 501-750,
/// 751-875, …, 999-999), so the first device enrolled (a producer's main printing station,
/// as a rule) can label 500 containers of one waste code a day and the tenth still one.
pub fn sequence_blocks() -> Vec<yima_codes::SequenceBlock> {
    let mut out = Vec::new();
    let mut first: u16 = 1;
    for i in 0..SEQUENCE_BLOCKS {
        let left = 999 - first + 1;
        let len = if i + 1 == SEQUENCE_BLOCKS {
            left
        } else {
            left.div_ceil(2)
        };
        if let Ok(b) = yima_codes::SequenceBlock::new(first, first + len - 1) {
            out.push(b);
        }
        first += len;
    }
    out
}

fn overlap(a: &yima_codes::SequenceBlock, b: &yima_codes::SequenceBlock) -> bool {
    a.first() <= b.last() && b.first() <= a.last()
}

/// The block a device enrolling now takes, given the blocks (as stored) of its
/// organisation's devices: its own block if it was set up with one that overlaps none of
/// them (else Conflict), or else the first of [`sequence_blocks`] that overlaps none (none
/// when every one does).
pub(crate) fn block_for(
    taken: &[String],
    own: Option<yima_codes::SequenceBlock>,
) -> Result<Option<yima_codes::SequenceBlock>, RegistryError> {
    let taken: Vec<yima_codes::SequenceBlock> =
        taken.iter().filter_map(|t| t.parse().ok()).collect();
    match own {
        Some(b) => match taken.iter().find(|t| overlap(t, &b)) {
            Some(t) => Err(RegistryError::new(
                crate::ErrorKind::Conflict,
                format!(
                    "the device's label sequence block {b} overlaps block {t} of another device of its organisation: set the device up with a free block, or with none for the registry to give one"
                ),
            )),
            None => Ok(Some(b)),
        },
        None => Ok(sequence_blocks()
            .into_iter()
            .find(|b| !taken.iter().any(|t| overlap(t, b)))),
    }
}

/// NotFound for a key no device enrolled.
pub(crate) fn unknown_key(key: &PublicKey) -> RegistryError {
    RegistryError::new(
        crate::ErrorKind::NotFound,
        format!(
            "key {} is not enrolled / 密钥 {} 未注册",
            key.short(),
            key.short()
        ),
    )
}

/// The block to give `device` (see [`RegistryStore::give_sequence_block`]), given the
/// blocks (as stored) its organisation's devices hold.
pub(crate) fn block_to_give(
    device: &DeviceInfo,
    taken: &[String],
) -> Result<yima_protocol::SequenceBlockGiven, RegistryError> {
    let given = |seq_block, already_had| yima_protocol::SequenceBlockGiven {
        key: device.key,
        seq_block,
        already_had,
    };
    if device.revoked_at.is_some() {
        return Err(RegistryError::new(
            crate::ErrorKind::Conflict,
            format!(
                "key {} is revoked: it gets no label sequences / 密钥 {} 已吊销，不再分配标签序号段",
                device.key.short(),
                device.key.short()
            ),
        ));
    }
    if let Some(b) = device.seq_block {
        return Ok(given(b, true));
    }
    match block_for(taken, None)? {
        Some(b) => Ok(given(b, false)),
        None => Err(RegistryError::new(
            crate::ErrorKind::Conflict,
            format!(
                "every one of the {SEQUENCE_BLOCKS} label sequence blocks of {} is held by another device / \
                 {} 的 {SEQUENCE_BLOCKS} 个标签序号段都已分配给其他设备",
                device.org, device.org
            ),
        )),
    }
}

#[cfg(test)]
mod block_tests {
    #[test]
    fn the_blocks_halve_what_is_left_and_cover_every_sequence_once() {
        let blocks: Vec<String> = super::sequence_blocks()
            .iter()
            .map(|b| b.to_string())
            .collect();
        assert_eq!(
            blocks,
            [
                "1-500", "501-750", "751-875", "876-937", "938-968", "969-984", "985-992",
                "993-996", "997-998", "999-999"
            ]
        );
        let free = |taken: &[&str], own: Option<&str>| {
            let taken: Vec<String> = taken.iter().map(|t| t.to_string()).collect();
            super::block_for(&taken, own.map(|o| o.parse().unwrap()))
                .map(|b| b.map(|b| b.to_string()))
        };
        assert_eq!(
            free(&["1-500", "751-875"], None).unwrap(),
            Some("501-750".into())
        );
        // A hand-chosen block taken first pushes the registry's past it.
        assert_eq!(free(&["1-9"], None).unwrap(), Some("501-750".into()));
        assert_eq!(free(&["1-9"], Some("10-18")).unwrap(), Some("10-18".into()));
        assert!(free(&["1-500"], Some("400-600")).is_err());
        let all: Vec<&str> = blocks.iter().map(String::as_str).collect();
        assert_eq!(free(&all, None).unwrap(), None);
    }
}

/// Refused events kept whole per pushing device by default: a device's honest mistakes fit
/// many times over; a device pushing junk fills no disk.
pub const REFUSED_QUOTA: u64 = 1000;

/// What the registry keeps of one device's refused events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefusedTally {
    /// Events refused from the device, all told.
    pub refused: u64,
    /// The first of them, stored whole (at most the quota).
    pub kept: u64,
}

/// How many of `n` refused events may be stored whole when `kept` are already and the
/// quota is `quota`.
pub(crate) fn refused_to_keep(n: usize, kept: u64, quota: u64) -> usize {
    usize::try_from(quota.saturating_sub(kept))
        .unwrap_or(usize::MAX)
        .min(n)
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

/// A kept registry key's secret, from its 64 hex digits.
pub(crate) fn registry_secret(hex_text: &str) -> Result<[u8; 32], RegistryError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text.trim(), &mut out).map_err(|_| {
        RegistryError::new(
            crate::ErrorKind::Storage,
            "the registry key kept in the database is not 64 hex digits",
        )
    })?;
    Ok(out)
}
