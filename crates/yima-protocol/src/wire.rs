//! JSON bodies of the registry's endpoints.

use serde::{Deserialize, Serialize};
use yima_codes::{CreditCode, LabelCode};
pub use yima_core::WireEvent;
use yima_core::{EventId, PublicKey, Role, Timestamp};

/// Largest request body the registry accepts (bytes).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Most events one push may carry.
pub const MAX_PUSH_EVENTS: usize = 1000;
/// Largest canonical body of one event (bytes): a label and a few fields need kilobytes.
pub const MAX_EVENT_BYTES: usize = 32 * 1024;
/// Most event-body bytes one feed page carries (a page ends early rather than exceed it).
pub const MAX_FEED_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// `POST /v1/enrol`: a device enrols its key (the request is signed by that key).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    /// The single-use enrolment code.
    pub code: String,
    /// The block of label sequences the device was set up with, if one was chosen; without
    /// one the registry gives it a block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq_block: Option<yima_codes::SequenceBlock>,
}

/// A device as the registry knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceInfo {
    /// Public key.
    pub key: PublicKey,
    /// Organisation.
    pub org: CreditCode,
    /// Organisation name.
    pub org_name: String,
    /// Organisation roles.
    pub org_roles: Vec<Role>,
    /// Role the device records in.
    pub role: Role,
    /// Whether it may issue enrolment codes for its organisation.
    pub admin: bool,
    /// When it enrolled.
    pub enrolled_at: Timestamp,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// The block of label sequences the registry gave it at enrolment (none for a device
    /// enrolled before blocks were given, or beyond the organisation's blocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq_block: Option<yima_codes::SequenceBlock>,
}

/// `POST /v1/orgs` (a regulator): registers an organisation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrg {
    /// Credit code.
    pub credit_code: CreditCode,
    /// Name.
    pub name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// For regulators: the administrative division code prefix they oversee (e.g. `35`, `3501`).
    pub jurisdiction: Option<String>,
}

/// `POST /v1/enrolment-codes`: issue a single-use code for a device of `org`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEnrolmentCode {
    /// The organisation the device will belong to.
    pub org: CreditCode,
    /// The role the device will record in.
    pub role: Role,
    /// Whether the device may itself issue codes.
    pub admin: bool,
}

/// The issued code.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCode {
    /// The code to give the device (shown once).
    pub code: String,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// `POST /v1/revocations`: revoke a device key from a moment on.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revocation {
    /// The key.
    pub key: PublicKey,
    /// From when: over the API only absent (the registry's receipt time); an earlier time
    /// only by an operator on the registry's host.
    #[serde(default)]
    pub at: Option<Timestamp>,
}

/// The answer to `POST /v1/revocations`: from when the key is revoked, and whether this
/// request changed anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationOutcome {
    /// The key.
    pub key: PublicKey,
    /// From when it is revoked.
    pub revoked_at: Timestamp,
    /// True if it was revoked before this request (nothing changed).
    pub already_revoked: bool,
}

/// `POST /v1/sequence-blocks`: give an enrolled device that has none (enrolled before the
/// registry gave blocks) its own block of label sequences.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SequenceBlockRequest {
    /// The device's key.
    pub key: PublicKey,
}

/// The answer to `POST /v1/sequence-blocks`: the device's block, and whether it held it
/// before this request (nothing changed). The device takes it up at its next sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SequenceBlockGiven {
    /// The device's key.
    pub key: PublicKey,
    /// Its block.
    pub seq_block: yima_codes::SequenceBlock,
    /// True if it held this block before the request.
    pub already_had: bool,
}

/// `POST /v1/events`: a batch of events to ingest.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// The events, in the order the device recorded them.
    pub events: Vec<WireEvent>,
    /// The carrier's fixes of pushed events that sign a route track (`EventBody::track`),
    /// beside them: absent (left out) when none, as in pushes from before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackFixes>,
}

/// The fixes of one event's signed route track: its canonical list (sorted by time, one per
/// moment), which must hash to the event's `track` digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackFixes {
    /// The event whose body signs the track's digest.
    pub event: EventId,
    /// The fixes.
    pub fixes: Vec<yima_core::Fix>,
}

/// What became of the fixes pushed for one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackResult {
    /// The event.
    pub event: EventId,
    /// Stored (or already stored): `true`; refused, with nothing stored: `false`.
    pub stored: bool,
    /// For refused fixes, the kind of rule broken (`track`: they do not hash to the signed
    /// digest or the event was not accepted; `scope`: the pusher's organisation is not the
    /// carrier giving the event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<RefusalKind>,
    /// Why, for refused fixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What became of one pushed event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored.
    Accepted,
    /// Already stored (the same event): nothing changed.
    Duplicate,
    /// Stored and flagged: another event already holds its place in a container's chain.
    Fork,
    /// Not stored as custody (kept with its reason): it will never be accepted as it is.
    Refused,
    /// Not stored yet: something it depends on (an earlier event) is not at the registry
    /// yet. Push it again later.
    Deferred,
}

impl PushOutcome {
    /// Whether the device may stop pushing this event.
    pub fn is_final(self) -> bool {
        !matches!(self, PushOutcome::Deferred)
    }
}

/// The answer for one pushed event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    /// The event.
    pub id: EventId,
    /// What became of it.
    pub outcome: PushOutcome,
    /// Why, for refused, deferred and fork outcomes.
    pub reason: Option<String>,
    /// For a refused event, the kind of rule it broke (the reason says more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<RefusalKind>,
}

/// The kind of rule a refused event broke: what devices and metrics act on, never the
/// reason's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// Its canonical body is over [`MAX_EVENT_BYTES`].
    TooLarge,
    /// It cannot be read: encoding, id, or links not sorted and unique.
    Malformed,
    /// Not signed by the pusher or by every party, signed by a stranger, or a signature
    /// that does not verify.
    Signature,
    /// Dated in the future by the registry's clock.
    Future,
    /// Recorded or given by a regulator, who records nothing.
    Regulator,
    /// A signing key that belongs to another organisation or role than the event says.
    Key,
    /// Signed by a key at or after its revocation.
    Revoked,
    /// A container begun out of nothing: a generated, merged or split event whose sources,
    /// outputs or new labels do not hold together.
    Lineage,
    /// A fork by an organisation that is no party to the container.
    Scope,
    /// Quantities that do not balance (a merge or split).
    Balance,
    /// A step the custody rules do not allow from where the container is.
    Custody,
    /// Route fixes that do not hash to the track their event signs, or pushed for an event
    /// that was not accepted.
    Track,
}

impl RefusalKind {
    /// Every kind, in order.
    pub const ALL: [RefusalKind; 12] = [
        RefusalKind::TooLarge,
        RefusalKind::Malformed,
        RefusalKind::Signature,
        RefusalKind::Future,
        RefusalKind::Regulator,
        RefusalKind::Key,
        RefusalKind::Revoked,
        RefusalKind::Lineage,
        RefusalKind::Scope,
        RefusalKind::Balance,
        RefusalKind::Custody,
        RefusalKind::Track,
    ];

    /// Its name, as on the wire and in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::TooLarge => "too_large",
            RefusalKind::Malformed => "malformed",
            RefusalKind::Signature => "signature",
            RefusalKind::Future => "future",
            RefusalKind::Regulator => "regulator",
            RefusalKind::Key => "key",
            RefusalKind::Revoked => "revoked",
            RefusalKind::Lineage => "lineage",
            RefusalKind::Scope => "scope",
            RefusalKind::Balance => "balance",
            RefusalKind::Custody => "custody",
            RefusalKind::Track => "track",
        }
    }
}

/// `POST /v1/events` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One result per pushed event, in order.
    pub results: Vec<PushResult>,
    /// One result per event whose fixes were pushed (`PushRequest::tracks`), in order;
    /// left out when none were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackResult>,
}

/// One entry of an organisation's feed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedEntry {
    /// Position in the feed (the cursor to resume after).
    pub seq: i64,
    /// The event.
    pub event: WireEvent,
    /// When the registry received it.
    pub arrived_at: Timestamp,
    /// Set when the event forks a chain: the event already holding its place.
    pub fork_of: Option<EventId>,
    /// The carrier's route fixes, for an event that signs a track and whose fixes the
    /// registry holds; left out otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixes: Option<Vec<yima_core::Fix>>,
}

/// `GET /v1/feed?after=SEQ&limit=N` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedPage {
    /// Entries after the cursor, in order.
    pub entries: Vec<FeedEntry>,
    /// Cursor to ask after next time.
    pub next: i64,
    /// Whether more entries follow.
    pub more: bool,
}

/// `GET /v1/keys` answer: the key directory.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyDirectoryPage {
    /// Every enrolled device.
    pub devices: Vec<DeviceInfo>,
}

/// An error answer: a kind to act on and a message.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error's kind and message.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Machine kind (`unauthorized`, `forbidden`, `bad_request`, `not_found`, `conflict`, `too_large`, `storage`, `too_many_requests`, `timeout`).
    pub kind: String,
    /// Message for people (English).
    pub message: String,
    /// Seconds to wait before retrying (a busy or failed store, a rate limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Format tag of a handover offer.
pub const OFFER_FORMAT: &str = "yima/handover-offer/1";
/// Format tag of a handover acknowledgement.
pub const ACK_FORMAT: &str = "yima/handover-ack/1";

/// A key a handover offer vouches for, so the taker can check the history offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyCard {
    /// The key.
    pub key: PublicKey,
    /// Its organisation's credit code.
    pub org: CreditCode,
    /// Its organisation's name.
    pub org_name: String,
    /// Its organisation's roles.
    pub roles: Vec<Role>,
}

/// A change of custody offered by the giver to the taker: shown as JSON (or over QR codes)
/// or, `POST /v1/handover-offers`, sent through the registry to the taker's device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverOffer {
    /// [`OFFER_FORMAT`].
    pub format: String,
    /// The handover event, signed by its composer (the giver).
    pub event: WireEvent,
    /// Earlier events of the containers (and of those they were merged or split from).
    pub history: Vec<WireEvent>,
    /// Keys that signed the history.
    pub keys: Vec<KeyCard>,
}

/// What the taker shows back: the event with both signatures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverAck {
    /// [`ACK_FORMAT`].
    pub format: String,
    /// The dual-signed event.
    pub event: WireEvent,
}

/// Most offers the registry keeps waiting per giver key.
pub const MAX_WAITING_OFFERS_PER_GIVER: u64 = 500;
/// Most offers one `GET /v1/handover-offers` answer carries.
pub const MAX_OFFERS_PER_FETCH: u32 = 100;

/// `GET /v1/handover-offers` answer: offers addressed to the calling device that are not
/// taken yet (their event is not at the registry), oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffersWaiting {
    /// The offers, at most [`MAX_OFFERS_PER_FETCH`].
    pub offers: Vec<HandoverOffer>,
}

/// `POST /v1/handover-offers` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferStored {
    /// False when the registry already held this offer (nothing changed).
    pub stored: bool,
}

/// `POST /v1/road`: a road pass an inspector read from a driver's screen (no account).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadCheckRequest {
    /// The pass's QR text (`YIMA-RP1:…`, `docs/ROAD-PASS.md`).
    pub pass: String,
}

/// An organisation named on a manifest, as the registry records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadParty {
    /// Unified social credit code.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
}

/// How the registry stands on one container of a pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum RoadStanding {
    /// In transit with the pass's carrier under the pass's manifest, by the registry's record.
    InTransit {
        /// The quantity the registry's record has (last measured, or as declared):
        /// thousandths of a unit (`milli`) and the unit (`kg`, `t`, `L`).
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        quantity: yima_core::Quantity,
        /// When the carrier's custody began, if recorded.
        since: Option<Timestamp>,
    },
    /// Not so by the registry's record (not synced yet, elsewhere, or not this carrier's):
    /// nothing more is said of it.
    NotConfirmed,
}

/// One container of a checked pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadCheckLine {
    /// The container's code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: LabelCode,
    /// The quantity the pass states (as `quantity` above).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub on_pass: yima_core::Quantity,
    /// What the registry says.
    pub registry: RoadStanding,
}

/// What the registry answers for a valid road pass: that manifest's containers on the pass
/// as its record has them, and nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadCheck {
    /// The manifest.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub manifest: yima_codes::ManifestNumber,
    /// The carrier, as enrolled (the pass's key is one of its devices).
    pub carrier: RoadParty,
    /// The manifest's sender, by the registry's record.
    pub sender: RoadParty,
    /// The manifest's receiver, by the registry's record.
    pub receiver: RoadParty,
    /// The vehicle's plate, as the pass states it.
    pub vehicle_plate: String,
    /// When the pass was made.
    pub issued_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// The pass's containers, by code.
    pub lines: Vec<RoadCheckLine>,
}

impl RoadCheck {
    /// How many lines the registry confirms in transit.
    pub fn confirmed(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.registry, RoadStanding::InTransit { .. }))
            .count()
    }
}
