//! Anomaly rules: what a container's verified events (and, for deadlines, the time now) say
//! went wrong, in one place. Each rule is a pure function over the chain; [`anomalies`] runs
//! them all. The registry and the device evaluate them; nothing else decides what is an
//! anomaly.
//!
//! "A container loaded that is not on its manifest" is judged from refusals, not chains. A
//! [`TransferManifest`](crate::TransferManifest) lists no containers and no waste type: a
//! container is on a manifest exactly when its dispatch names it, and a pickup, relay or
//! receipt under another manifest number (or by a carrier or receiver the manifest does not
//! name) is refused by custody itself (`CustodyError::Manifest`), so a verified chain cannot
//! show it. The registry keeps such a refused event; [`off_manifest`] says which refusals
//! are that case, and [`refused_anomalies`] turns each into [`AnomalyRule::NotOnManifest`].

mod deadline;
mod route;
mod sighting;
mod weight;

pub use deadline::{
    manifest_close_due, receipt_due, storage_limit, MANIFEST_CLOSE_WORKING_DAYS,
    RECEIPT_WORKING_DAYS,
};
pub use route::{distance_to_segment_m, transports, Transport, TransportFixes};
pub use sighting::{
    forged_label, next_sighting_deadline, sighting_anomalies, two_places, unseen_label,
    unseen_label_due, Seal, Sighter, Sighting, SightingPlace,
};

use crate::custody::{apply_mut, ContainerStatus};
use crate::event::{EventKind, SignedEvent};
use crate::model::Timestamp;
use crate::signing::EventId;
use crate::state::{Outcome, RULES};
use crate::weighing::Tolerances;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yima_codes::{LabelCode, Lang, WorkCalendar};

/// Which rule an anomaly breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyRule {
    /// A weighing by a new holder differs from the quantity the previous holder measured (or
    /// declared) by more than the tolerance.
    WeightDiscrepancy,
    /// Not received (or returned) by the end of the 5th working day after pickup.
    ReceiptOverdue,
    /// An event on a container after the event that closed it.
    EventAfterClosure,
    /// A relay handover with a gap in time or place between the two carriers' tracks.
    RelayGap,
    /// A carrier's transport ended with no route track signed.
    TrackMissing,
    /// Fixes of a route track further apart in time than allowed.
    TrackGap,
    /// A fix of a route track outside the corridor around its first and last fix.
    OffCorridor,
    /// In storage past the facility's storage limit.
    StorageOverdue,
    /// Two signed events claim the same place in a container's chain (a device that
    /// recorded twice from one state, a cloned key, or a replayed handover): the registry
    /// keeps the one it received first and stores the other as a fork.
    Fork,
    /// An event the registry refused because a signature on it does not verify, or it is
    /// signed by a key that is not the party's (a forged or tampered record).
    BadSignature,
    /// An event the registry refused because a signing key belongs to another organisation
    /// or role than the event says (a key used beyond its enrolment).
    WrongKey,
    /// An event the registry refused because it was signed by a key at or after its
    /// revocation (a lost or stolen device still recording).
    RevokedKey,
    /// A container dispatched under a manifest whose transfer of it did not close (accepted,
    /// refused, returned or taken back into store) by the end of the
    /// [`MANIFEST_CLOSE_WORKING_DAYS`]th working day after the dispatch.
    ManifestNotClosed,
    /// An event the registry refused because it loads, relays or receives a container
    /// under a manifest it does not travel under, or by a carrier or receiver its manifest
    /// does not name (see [`off_manifest`]).
    NotOnManifest,
    /// A label sighted (scanned by a device, or opened on the public page) whose code the
    /// registry holds no registration of a grace period after its first sighting: a label
    /// printed outside the system, or a forged code (see [`unseen_label`]).
    UnseenLabel,
    /// Two sightings of one label farther apart than it could travel in the time between
    /// them: a cloned label (see [`two_places`]).
    TwoPlaces,
}

impl AnomalyRule {
    /// Every rule.
    pub const ALL: [AnomalyRule; 16] = [
        AnomalyRule::WeightDiscrepancy,
        AnomalyRule::ReceiptOverdue,
        AnomalyRule::EventAfterClosure,
        AnomalyRule::RelayGap,
        AnomalyRule::TrackMissing,
        AnomalyRule::TrackGap,
        AnomalyRule::OffCorridor,
        AnomalyRule::StorageOverdue,
        AnomalyRule::Fork,
        AnomalyRule::BadSignature,
        AnomalyRule::WrongKey,
        AnomalyRule::RevokedKey,
        AnomalyRule::ManifestNotClosed,
        AnomalyRule::NotOnManifest,
        AnomalyRule::UnseenLabel,
        AnomalyRule::TwoPlaces,
    ];

    /// Stable machine name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyRule::WeightDiscrepancy => "weight_discrepancy",
            AnomalyRule::ReceiptOverdue => "receipt_overdue",
            AnomalyRule::EventAfterClosure => "event_after_closure",
            AnomalyRule::RelayGap => "relay_gap",
            AnomalyRule::TrackMissing => "track_missing",
            AnomalyRule::TrackGap => "track_gap",
            AnomalyRule::OffCorridor => "off_corridor",
            AnomalyRule::StorageOverdue => "storage_overdue",
            AnomalyRule::Fork => "fork",
            AnomalyRule::BadSignature => "bad_signature",
            AnomalyRule::WrongKey => "wrong_key",
            AnomalyRule::RevokedKey => "revoked_key",
            AnomalyRule::ManifestNotClosed => "manifest_not_closed",
            AnomalyRule::NotOnManifest => "not_on_manifest",
            AnomalyRule::UnseenLabel => "unseen_label",
            AnomalyRule::TwoPlaces => "two_places",
        }
    }

    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            AnomalyRule::WeightDiscrepancy => (
                "交接重量差异超出允差",
                "weight difference at a custody change",
            ),
            AnomalyRule::ReceiptOverdue => (
                "超过5个工作日未确认接收",
                "receipt not confirmed within 5 working days",
            ),
            AnomalyRule::EventAfterClosure => {
                ("容器关闭后仍有记录", "event after the container was closed")
            }
            AnomalyRule::RelayGap => ("接驳交接时间或地点不衔接", "gap at a relay handover"),
            AnomalyRule::TrackMissing => ("运输无轨迹", "transport without a route track"),
            AnomalyRule::TrackGap => ("轨迹中断", "gap in a route track"),
            AnomalyRule::OffCorridor => ("偏离运输路线", "route outside its corridor"),
            AnomalyRule::StorageOverdue => ("贮存超期", "stored beyond its limit"),
            AnomalyRule::Fork => (
                "同一环节出现两条签名记录（分叉）",
                "two signed events for one place in the chain (fork)",
            ),
            AnomalyRule::BadSignature => ("签名无效的记录", "an event whose signature fails"),
            AnomalyRule::WrongKey => (
                "用其他单位或角色的密钥签名的记录",
                "an event signed with another party's key",
            ),
            AnomalyRule::RevokedKey => ("已吊销密钥签名的记录", "an event signed by a revoked key"),
            AnomalyRule::ManifestNotClosed => {
                ("转移联单逾期未办结", "transfer manifest not closed in time")
            }
            AnomalyRule::NotOnManifest => (
                "装运不在其转移联单上的容器",
                "a container loaded that is not on its manifest",
            ),
            AnomalyRule::UnseenLabel => (
                "扫描到登记系统无记录的标签",
                "a label scanned that the registry has never seen",
            ),
            AnomalyRule::TwoPlaces => (
                "同一标签同时出现在两地（疑似伪造或克隆）",
                "one label scanned in two places at once (possible clone)",
            ),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// One anomaly of one container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// The rule broken.
    pub rule: AnomalyRule,
    /// The container.
    pub container: LabelCode,
    /// The event that shows it (the weighing, the late receipt, the closing handover…),
    /// if one does: an overdue receipt or storage names the pickup or the storing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventId>,
    /// When it began: the event's time, or the moment a deadline passed.
    pub since: Timestamp,
    /// For deadline rules, the deadline (the first moment past it, China time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// What happened, in English.
    pub en: String,
    /// What happened, in Chinese.
    pub zh: String,
}

impl Anomaly {
    /// What happened, in `lang`.
    pub fn detail(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// The thresholds of the rules, in one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnomalyConfig {
    /// Weighing tolerance per unit (default [`Tolerances::default`]: 2 %, at least 0.5 kg).
    pub tolerances: Tolerances,
    /// The longest a carrier's track may end before a relay handover, or the next carrier's
    /// begin after it (default 24 h).
    pub relay_max_gap_ms: i64,
    /// The farthest apart the giving carrier's last fix and the taking carrier's first fix
    /// may be at a relay (default 5 km).
    pub relay_max_distance_m: u32,
    /// The longest time between two fixes of a track (default 30 min).
    pub track_max_gap_ms: i64,
    /// Half the width of the corridor around the straight line from a track's first fix to
    /// its last: a fix farther from that segment is off the corridor (default 20 km).
    pub corridor_m: u32,
    /// Storage limit in months when the facility has none (default 12: one year).
    pub storage_months: u32,
    /// Storage limit in months, by facility code.
    pub storage_months_by_facility: BTreeMap<String, u32>,
    /// How long after its first sighting a label's code may stay unregistered (an offline
    /// producer's registration still on its way) before it is an unseen label (default 72 h).
    pub unseen_grace_ms: i64,
    /// The fastest a label may move between two sightings, km/h (default 200).
    pub sighting_max_speed_kmh: u32,
    /// Distance allowed between two sightings on top of speed × time and the fixes'
    /// accuracies, metres (default 2 km).
    pub sighting_tolerance_m: u32,
}

impl Default for AnomalyConfig {
    fn default() -> AnomalyConfig {
        AnomalyConfig {
            tolerances: Tolerances::default(),
            relay_max_gap_ms: 24 * 3_600_000,
            relay_max_distance_m: 5_000,
            track_max_gap_ms: 30 * 60_000,
            corridor_m: 20_000,
            storage_months: 12,
            storage_months_by_facility: BTreeMap::new(),
            unseen_grace_ms: 72 * 3_600_000,
            sighting_max_speed_kmh: 200,
            sighting_tolerance_m: 2_000,
        }
    }
}

impl AnomalyConfig {
    /// The storage limit of `facility` in months.
    pub fn storage_months_of(&self, facility: &str) -> u32 {
        self.storage_months_by_facility
            .get(facility)
            .copied()
            .unwrap_or(self.storage_months)
    }
}

/// One step of a chain with the container's status before it (`None` before its genesis,
/// or when the events before did not apply).
pub(crate) struct Step<'a> {
    pub before: Option<ContainerStatus>,
    pub event: &'a SignedEvent,
}

/// Folds `events` (oldest first) into the status before each; an event that does not apply
/// (e.g. after closure) leaves the status as it was.
pub(crate) fn fold<'a>(
    container: &LabelCode,
    events: &'a [SignedEvent],
) -> (Vec<Step<'a>>, Option<ContainerStatus>) {
    let mut status = None;
    let mut steps = Vec::with_capacity(events.len());
    for e in events {
        steps.push(Step {
            before: status.clone(),
            event: e,
        });
        let _ = apply_mut(&mut status, e.id, &e.body, container);
    }
    (steps, status)
}

/// Whether `e` closes `container` by the state table: a step whose outcome is a closed state,
/// on the container's existing side (a merge's target or a split's parts begin there).
pub(crate) fn closes(container: &LabelCode, e: &SignedEvent) -> bool {
    let existing = e.body.link(container).is_some_and(|l| l.prev.is_some());
    let step = e.body.step();
    existing
        && RULES
            .iter()
            .any(|r| r.step == step && matches!(r.outcome, Outcome::To(s) if s.is_closed()))
}

/// Any event after the one that closed the container (disposed, merged, split away,
/// voided): the state table allows only corrections there, and those are not anomalies.
pub fn events_after_closure(container: &LabelCode, events: &[SignedEvent]) -> Vec<Anomaly> {
    let Some(i) = events.iter().position(|e| closes(container, e)) else {
        return Vec::new();
    };
    let closing = events[i].body.step();
    events[i + 1..]
        .iter()
        .filter(|e| e.body.step() != crate::event::Step::Correction)
        .map(|e| Anomaly {
            rule: AnomalyRule::EventAfterClosure,
            container: container.clone(),
            event: Some(e.id),
            since: e.body.at,
            due: None,
            en: format!(
                "{} recorded after the container was closed ({})",
                e.body.step().name(Lang::En),
                closing.name(Lang::En)
            ),
            zh: format!(
                "容器已关闭（{}）后仍记录了「{}」",
                closing.name(Lang::Zh),
                e.body.step().name(Lang::Zh)
            ),
        })
        .collect()
}

/// Every anomaly of `container` from its verified `events` (its chain, oldest first), the
/// fixes held for its transports (`fixes`, by the handover ending each; a transport absent
/// from it is judged on its signed digest alone) and the time `now`.
pub fn anomalies(
    container: &LabelCode,
    events: &[SignedEvent],
    fixes: &[TransportFixes],
    now: Timestamp,
    config: &AnomalyConfig,
) -> Vec<Anomaly> {
    let (steps, status) = fold(container, events);
    let calendar = WorkCalendar::china();
    let mut out = weight::discrepancies(container, &steps, &config.tolerances);
    out.extend(deadline::receipt_overdue(container, events, now, calendar));
    out.extend(deadline::manifest_not_closed(
        container, events, now, calendar,
    ));
    out.extend(events_after_closure(container, events));
    let transports = transports(events);
    out.extend(route::relay_gaps(container, &transports, fixes, config));
    out.extend(route::track_anomalies(
        container,
        &transports,
        fixes,
        config,
    ));
    if let Some(s) = &status {
        out.extend(deadline::storage_overdue(
            container, events, s.state, now, config,
        ));
    }
    out.sort_by_key(|a| (a.since, a.rule));
    out
}

/// An event the registry stored as a fork of a container's chain: it claims the place its
/// rival (received first) holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkedEvent {
    /// The forking event.
    pub event: EventId,
    /// The event already holding that place.
    pub rival: EventId,
    /// When the forking event says it happened.
    pub at: Timestamp,
    /// Its step.
    pub step: crate::event::Step,
}

/// One anomaly per forked event of `container`: each is a second signed claim to a place in
/// its chain. None without forks.
pub fn fork_anomalies(container: &LabelCode, forks: &[ForkedEvent]) -> Vec<Anomaly> {
    forks
        .iter()
        .map(|f| Anomaly {
            rule: AnomalyRule::Fork,
            container: container.clone(),
            event: Some(f.event),
            since: f.at,
            due: None,
            en: format!(
                "{} {} claims the place {} already holds",
                f.step.name(Lang::En),
                f.event.short(),
                f.rival.short()
            ),
            zh: format!(
                "「{}」{} 与已有的 {} 争夺同一环节",
                f.step.name(Lang::Zh),
                f.event.short(),
                f.rival.short()
            ),
        })
        .collect()
}

/// Why the registry refused an event that is an anomaly of its containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusedWhy {
    /// A signature that does not verify, or a signer that is not the party.
    Signature,
    /// A key of another organisation or role than the event says.
    Key,
    /// A key signing at or after its revocation.
    Revoked,
    /// A pickup, relay or receipt of a container not on the manifest it names
    /// ([`off_manifest`]).
    Manifest,
}

/// Whether custody refused `body` for `container` because it loads, relays or receives the
/// container off its manifest: a pickup, relay handover or receipt whose manifest number is
/// not the one the container travels under (or that names a manifest to a container never
/// dispatched), or recorded by a carrier or receiver the manifest does not name. Any other
/// refusal, and any other step, is not this case.
pub fn off_manifest(body: &crate::event::EventBody, error: &crate::CustodyError) -> bool {
    matches!(
        body.event,
        EventKind::PickedUp { .. } | EventKind::RelayHandover { .. } | EventKind::Received { .. }
    ) && matches!(error, crate::CustodyError::Manifest(_))
}

/// An event the registry refused (and kept), naming a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedEvent {
    /// Its id.
    pub event: EventId,
    /// Why it was refused.
    pub why: RefusedWhy,
    /// When it says it happened.
    pub at: Timestamp,
    /// The registry's reason, in English.
    pub reason: String,
}

/// One anomaly per event the registry refused for a bad signature, a wrong key, a revoked
/// one or a load off its manifest, naming `container`: a record somebody tried to add to its chain. None without.
pub fn refused_anomalies(container: &LabelCode, refused: &[RefusedEvent]) -> Vec<Anomaly> {
    refused
        .iter()
        .map(|r| {
            let rule = match r.why {
                RefusedWhy::Signature => AnomalyRule::BadSignature,
                RefusedWhy::Key => AnomalyRule::WrongKey,
                RefusedWhy::Revoked => AnomalyRule::RevokedKey,
                RefusedWhy::Manifest => AnomalyRule::NotOnManifest,
            };
            Anomaly {
                rule,
                container: container.clone(),
                event: Some(r.event),
                since: r.at,
                due: None,
                en: format!("event {} refused: {}", r.event.short(), r.reason),
                zh: format!(
                    "记录 {} 被登记系统拒收：{}",
                    r.event.short(),
                    rule.name(Lang::Zh)
                ),
            }
        })
        .collect()
}

/// When to judge `container` again (see [`anomalies`]): the next moment after `now` at which
/// a deadline rule may begin to fire for its chain, `None` when no deadline runs.
pub fn next_deadline(
    container: &LabelCode,
    events: &[SignedEvent],
    now: Timestamp,
    config: &AnomalyConfig,
) -> Option<Timestamp> {
    let (_, status) = fold(container, events);
    deadline::next_deadline(
        events,
        status.map(|s| s.state),
        now,
        config,
        WorkCalendar::china(),
    )
}

#[cfg(test)]
#[path = "anomaly/tests.rs"]
mod tests;
