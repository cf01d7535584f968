//! Custody events: what happened to which containers, by whom, and when.

use crate::custody::CustodyError;
use crate::model::{ContainerLabel, Party, Timestamp, TransferManifest, TreatmentMode};
use crate::quantity::Quantity;
use crate::role::Role;
use crate::signing::{EventId, PublicKey, Signature};
use crate::state::ContainerState;
use crate::weighing::{Discrepancy, WeighMethod};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yima_codes::{BatchCode, CreditCode, LabelCode, Lang, ManifestNumber};

/// Version of the event body format; part of every canonical encoding.
pub const EVENT_FORMAT_VERSION: u32 = 1;

/// Who recorded (or gave, in a handover) an event: organisation, role and device key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The organisation's unified social credit code.
    pub org: CreditCode,
    /// The role the organisation acts in.
    pub role: Role,
    /// The recording device's public key.
    pub key: PublicKey,
}

/// A container an event concerns, and the event before it in that container's chain.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The container.
    pub container: LabelCode,
    /// The previous event of this container; `None` only where the container begins.
    pub prev: Option<EventId>,
}

/// What happened. Handovers (`picked_up`, `relay_handover`, `received`, `returned`) carry the
/// giver; the recorder is the party taking custody, and both must sign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// 产生: a container is registered and labelled.
    Generated {
        /// Generation batch code (HWCS…).
        batch: BatchCode,
        /// Catalogue edition the waste code was checked against.
        catalogue_edition: String,
        /// The full label.
        label: ContainerLabel,
    },
    /// 入库: scanned into a storage facility.
    Stored {
        /// Into-store batch code (HWRK…).
        batch: BatchCode,
        /// Storage facility code.
        facility_code: String,
    },
    /// 出库: scanned out of storage against a transfer manifest.
    Dispatched {
        /// Out-of-store batch code (HWCK…).
        batch: BatchCode,
        /// Storage facility code it leaves.
        facility_code: String,
        /// The manifest it travels under.
        manifest: TransferManifest,
        /// Outsourced use/disposal batch code (HWWWLY/HWWWCZ) for the sender's ledger.
        outsourced_batch: BatchCode,
    },
    /// 运输: the carrier takes custody from the sender.
    PickedUp {
        /// Driver's name.
        driver: String,
        /// The party handing over.
        giver: Actor,
        /// Manifest number it travels under.
        manifest: ManifestNumber,
        /// Road transport operating permit number.
        permit: String,
        /// Vehicle plate.
        vehicle_plate: String,
    },
    /// 接驳: relay transport hands custody from one carrier to the next.
    RelayHandover {
        /// Next driver's name.
        driver: String,
        /// The carrier handing over.
        giver: Actor,
        /// Manifest number.
        manifest: ManifestNumber,
        /// Next carrier's permit.
        permit: String,
        /// Where the handover took place.
        place: String,
        /// Next vehicle plate.
        vehicle_plate: String,
    },
    /// 接收: the receiver takes custody from the carrier.
    Received {
        /// The carrier handing over.
        giver: Actor,
        /// Manifest number.
        manifest: ManifestNumber,
    },
    /// 称重: the receiver weighs the container on arrival; the difference from the declared
    /// quantity is kept.
    Weighed {
        /// Quantity measured.
        measured: Quantity,
    },
    /// 称重 at a custody change, with who weighed and how: the sender before dispatch, the
    /// carrier at pickup, the receiver at receipt. States a discrepancy when it differs from
    /// the quantity measured before (or declared) beyond the recorder's tolerance.
    Weighing {
        /// The difference beyond tolerance, if any.
        discrepancy: Option<Discrepancy>,
        /// Quantity measured.
        measured: Quantity,
        /// Electronic scale or manual.
        method: WeighMethod,
        /// The scale that weighed, as it identified itself (name, port, protocol): only
        /// with [`WeighMethod::Scale`], and only when read from the scale itself. Absent,
        /// the member is left out of the encoding, so weighings recorded before it keep
        /// their bytes and ids.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<String>,
        /// The person who weighed.
        weigher: String,
    },
    /// 接受: accepted in full.
    Accepted {
        /// Accepted quantity.
        quantity: Quantity,
    },
    /// 部分拒收: part accepted, part refused.
    PartlyRefused {
        /// Accepted quantity.
        accepted: Quantity,
        /// Why part was refused.
        reason: String,
        /// Refused quantity.
        refused: Quantity,
    },
    /// 拒收: refused in full.
    Refused {
        /// Refused quantity.
        quantity: Quantity,
        /// Why.
        reason: String,
    },
    /// 退回: refused waste handed back to its producer by the carrier.
    Returned {
        /// The carrier handing over.
        giver: Actor,
        /// Why it came back.
        reason: String,
    },
    /// 利用 / 处置: used or disposed of; closes the container.
    Disposed {
        /// Use/disposal batch code (HWZXLY/HWZXCZ for own, HWWWLY/HWWWCZ outsourced).
        batch: BatchCode,
        /// Completion time.
        completed_at: Timestamp,
        /// Method (e.g. R1, D10, or the facility's description).
        method: String,
        /// Use or disposal.
        mode: TreatmentMode,
    },
    /// 合并: the linked sources are merged into one new container (the link with no `prev`).
    Merged {
        /// The custody state the new container starts in (that of the sources).
        inherited_state: ContainerState,
        /// The new container's label.
        target: ContainerLabel,
    },
    /// 拆分: the linked source is split into new containers (the links with no `prev`).
    Split {
        /// The custody state the parts start in (that of the source).
        inherited_state: ContainerState,
        /// The parts' labels.
        parts: Vec<ContainerLabel>,
        /// The part that holds what the receiver refused of a partly refused container: it
        /// starts refused, to go back to the sender of the manifest it came under (退回). The
        /// other parts hold what was accepted. Absent in other splits, and then left out of
        /// the encoding, so splits recorded before it keep their bytes and ids.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        returning: Option<ReturningPart>,
    },
    /// 更正: corrects an earlier event; the original stays.
    Correction {
        /// Field name → corrected value.
        changes: BTreeMap<String, String>,
        /// The event corrected.
        corrects: EventId,
        /// Why.
        reason: String,
    },
    /// 作废: the container is withdrawn (e.g. labelled in error) before it leaves the producer.
    Void {
        /// The quantity leaving the books: what the voided containers hold together (last
        /// measured or accepted, else as labelled). Absent only in voids recorded before
        /// it was stated; absent, the member is left out of the encoding, so those bodies
        /// keep their bytes and ids.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<Quantity>,
        /// Why.
        reason: String,
    },
}

/// The part of a split that carries the refused part of a partly refused container back to
/// its sender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturningPart {
    /// The part's code (one of the split's parts).
    pub code: LabelCode,
    /// The manifest the source came under: the part travels back under it, to its sender.
    pub manifest: TransferManifest,
}

/// The kind of an event without its data: the key of the state table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// See [`EventKind::Generated`].
    Generated,
    /// See [`EventKind::Stored`].
    Stored,
    /// See [`EventKind::Dispatched`].
    Dispatched,
    /// See [`EventKind::PickedUp`].
    PickedUp,
    /// See [`EventKind::RelayHandover`].
    RelayHandover,
    /// See [`EventKind::Received`].
    Received,
    /// See [`EventKind::Weighed`].
    Weighed,
    /// See [`EventKind::Weighing`].
    Weighing,
    /// See [`EventKind::Accepted`].
    Accepted,
    /// See [`EventKind::PartlyRefused`].
    PartlyRefused,
    /// See [`EventKind::Refused`].
    Refused,
    /// See [`EventKind::Returned`].
    Returned,
    /// See [`EventKind::Disposed`].
    Disposed,
    /// See [`EventKind::Merged`].
    Merged,
    /// See [`EventKind::Split`].
    Split,
    /// See [`EventKind::Correction`].
    Correction,
    /// See [`EventKind::Void`].
    Void,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 17] = [
        Step::Generated,
        Step::Stored,
        Step::Dispatched,
        Step::PickedUp,
        Step::RelayHandover,
        Step::Received,
        Step::Weighed,
        Step::Weighing,
        Step::Accepted,
        Step::PartlyRefused,
        Step::Refused,
        Step::Returned,
        Step::Disposed,
        Step::Merged,
        Step::Split,
        Step::Correction,
        Step::Void,
    ];

    /// Stable machine name, as in the encoding.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Generated => "generated",
            Step::Stored => "stored",
            Step::Dispatched => "dispatched",
            Step::PickedUp => "picked_up",
            Step::RelayHandover => "relay_handover",
            Step::Received => "received",
            Step::Weighed => "weighed",
            Step::Weighing => "weighing",
            Step::Accepted => "accepted",
            Step::PartlyRefused => "partly_refused",
            Step::Refused => "refused",
            Step::Returned => "returned",
            Step::Disposed => "disposed",
            Step::Merged => "merged",
            Step::Split => "split",
            Step::Correction => "correction",
            Step::Void => "void",
        }
    }

    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Step::Generated => ("产生", "generated"),
            Step::Stored => ("入库", "stored"),
            Step::Dispatched => ("出库", "dispatched"),
            Step::PickedUp => ("运输交接", "picked up"),
            Step::RelayHandover => ("接驳交接", "relay handover"),
            Step::Received => ("接收", "received"),
            Step::Weighed => ("称重", "weighed"),
            Step::Weighing => ("称重", "weighing"),
            Step::Accepted => ("接受", "accepted"),
            Step::PartlyRefused => ("部分拒收", "partly refused"),
            Step::Refused => ("拒收", "refused"),
            Step::Returned => ("退回", "returned"),
            Step::Disposed => ("利用/处置", "used/disposed"),
            Step::Merged => ("合并", "merged"),
            Step::Split => ("拆分", "split"),
            Step::Correction => ("更正", "correction"),
            Step::Void => ("作废", "void"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Whether this step is a change of custody that both parties sign.
    pub fn is_handover(self) -> bool {
        matches!(
            self,
            Step::PickedUp | Step::RelayHandover | Step::Received | Step::Returned
        )
    }
}

impl EventKind {
    /// The step this event records.
    pub fn step(&self) -> Step {
        match self {
            EventKind::Generated { .. } => Step::Generated,
            EventKind::Stored { .. } => Step::Stored,
            EventKind::Dispatched { .. } => Step::Dispatched,
            EventKind::PickedUp { .. } => Step::PickedUp,
            EventKind::RelayHandover { .. } => Step::RelayHandover,
            EventKind::Received { .. } => Step::Received,
            EventKind::Weighed { .. } => Step::Weighed,
            EventKind::Weighing { .. } => Step::Weighing,
            EventKind::Accepted { .. } => Step::Accepted,
            EventKind::PartlyRefused { .. } => Step::PartlyRefused,
            EventKind::Refused { .. } => Step::Refused,
            EventKind::Returned { .. } => Step::Returned,
            EventKind::Disposed { .. } => Step::Disposed,
            EventKind::Merged { .. } => Step::Merged,
            EventKind::Split { .. } => Step::Split,
            EventKind::Correction { .. } => Step::Correction,
            EventKind::Void { .. } => Step::Void,
        }
    }

    /// The giving party of a handover.
    pub fn giver(&self) -> Option<&Actor> {
        match self {
            EventKind::PickedUp { giver, .. }
            | EventKind::RelayHandover { giver, .. }
            | EventKind::Received { giver, .. }
            | EventKind::Returned { giver, .. } => Some(giver),
            _ => None,
        }
    }

    /// The transfer manifest this event names, if any: a dispatch, a pickup, a relay, a
    /// receipt, or a refused part's split to go back under it.
    pub fn manifest(&self) -> Option<&ManifestNumber> {
        match self {
            EventKind::Dispatched { manifest, .. } => Some(&manifest.number),
            EventKind::PickedUp { manifest, .. }
            | EventKind::RelayHandover { manifest, .. }
            | EventKind::Received { manifest, .. } => Some(manifest),
            EventKind::Split {
                returning: Some(r), ..
            } => Some(&r.manifest.number),
            _ => None,
        }
    }

    /// Labels of the containers this event creates (generated, merge target, split parts).
    pub fn new_labels(&self) -> Vec<&ContainerLabel> {
        match self {
            EventKind::Generated { label, .. } => vec![label],
            EventKind::Merged { target, .. } => vec![target],
            EventKind::Split { parts, .. } => parts.iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// The signed content of an event. Its canonical encoding (see `docs/EVENT-ENCODING.md`)
/// hashes to the event id. Fields are declared in the order they are encoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBody {
    /// Format version ([`EVENT_FORMAT_VERSION`]).
    pub v: u32,
    /// When it happened, by the recording device's clock.
    pub at: Timestamp,
    /// The recording party (the one taking custody in a handover).
    pub by: Actor,
    /// The device that composed the body, whose counter `seq` is: the recorder, or in a
    /// handover either party (the giver offers a pickup; a receiver composes the receipt
    /// with the weight it measured).
    pub composer: PublicKey,
    /// What happened.
    pub event: EventKind,
    /// Containers concerned, sorted by code, each with its previous event.
    pub links: Vec<Link>,
    /// Where it happened, if known (free text or coordinates).
    pub location: Option<String>,
    /// The person who did the step for the recording party (`by`): HJ 1259's 经办人, one
    /// plain line (see [`check_operator`]). Absent, the member is left out of the encoding,
    /// so bodies recorded before it keep their bytes and ids; absent too in a handover the
    /// giver composed, which cannot name the taker's person (the taker countersigns the
    /// body as the giver signed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The carrier's route during the transport this handover ends (see
    /// [`crate::check_track`]): the digest of the fixes its device recorded since the pickup.
    /// Absent, the member is left out of the encoding, as `operator` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<crate::track::TrackDigest>,
    /// The composer's own counter: 1, 2, 3… A gap shows a removed event.
    pub seq: u64,
}

impl EventBody {
    /// The step this body records.
    pub fn step(&self) -> Step {
        self.event.step()
    }

    /// The keys that sign it: the recorder's, and the giver's of a handover.
    pub fn signer_keys(&self) -> impl Iterator<Item = PublicKey> + '_ {
        std::iter::once(self.by.key).chain(self.event.giver().map(|g| g.key))
    }

    /// The link for `container`, if this event concerns it.
    pub fn link(&self, container: &LabelCode) -> Option<&Link> {
        self.links.iter().find(|l| &l.container == container)
    }

    /// Keys that must sign: the recorder, and the giver in a handover.
    pub fn required_signers(&self) -> Vec<PublicKey> {
        let mut keys = vec![self.by.key];
        if let Some(g) = self.event.giver() {
            if g.key != self.by.key {
                keys.push(g.key);
            }
        }
        keys
    }
}

/// Longest operator name a body may carry (characters).
pub const MAX_OPERATOR: usize = 64;

/// An operator named in a body is one plain line: not empty, without leading or trailing
/// blanks, of at most [`MAX_OPERATOR`] characters, with no control character. `None` (no
/// operator named) is always fine.
pub fn check_operator(operator: Option<&str>) -> Result<(), CustodyError> {
    let Some(name) = operator else { return Ok(()) };
    let refuse = |en: String, zh: String| Err(CustodyError::Operator { en, zh });
    if name.trim().is_empty() {
        return refuse(
            "the operator's name is empty".into(),
            "经办人姓名为空".into(),
        );
    }
    if name.trim() != name {
        return refuse(
            format!("the operator's name {name:?} has leading or trailing blanks"),
            format!("经办人姓名 {name:?} 含首尾空白"),
        );
    }
    if name.chars().count() > MAX_OPERATOR || name.chars().any(char::is_control) {
        return refuse(
            format!("the operator's name is not one line of at most {MAX_OPERATOR} characters"),
            format!("经办人姓名须为一行，最多 {MAX_OPERATOR} 个字符"),
        );
    }
    Ok(())
}

/// A sealed event: canonical bytes, their id, the parsed body and the signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedEvent {
    /// The event id (hash of `canonical`).
    pub id: EventId,
    /// The canonical encoding of `body`.
    pub canonical: Vec<u8>,
    /// The body.
    pub body: EventBody,
    /// Signatures over `id`.
    pub signatures: Vec<Signature>,
}

/// A party named in a body, for display: organisation and role.
pub fn describe_party(party: &Party) -> String {
    format!("{} ({})", party.name, party.credit_code)
}
