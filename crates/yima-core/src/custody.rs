//! Folding a container's events into its status, with every rule of custody checked:
//! the state table, who holds the container, and the manifest it travels under.

use crate::event::{EventBody, EventKind, Step};
use crate::model::{ContainerLabel, Timestamp, TransferManifest};
use crate::quantity::Quantity;
use crate::signing::EventId;
use crate::state::{transition, ContainerState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use yima_codes::{CreditCode, LabelCode};

pub use crate::custody_error::CustodyError;
use crate::custody_quantities::{check_adds_up, check_discrepancy};
pub use crate::custody_resume::resume;

/// What one container's chain says about it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerStatus {
    /// The container's label as generated, with the corrections of its genesis event applied
    /// (the original stays in the generating event).
    pub label: ContainerLabel,
    /// Where it is in its life.
    pub state: ContainerState,
    /// The organisation that holds it.
    pub holder: CreditCode,
    /// The manifest it travels under, from its last dispatch.
    pub manifest: Option<TransferManifest>,
    /// The last event of its chain.
    pub head: EventId,
    /// Every event of its chain, oldest first.
    pub chain: Vec<EventId>,
    /// Organisations that recorded any of its events.
    pub parties: BTreeSet<CreditCode>,
    /// `Some(prev)` when only part of the chain is known: it starts with a handover taken
    /// over QR codes whose previous event `prev` is not at hand (see [`resume`]). The label
    /// then holds only what the code and the scanned label say, and the manifest's parties
    /// are not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_from: Option<EventId>,
    /// When the last event of its chain happened (`None` in a status kept before this was
    /// recorded): the next event may not be dated before it (see [`CLOCK_SKEW_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_at: Option<Timestamp>,
    /// The quantity last measured or accepted (weighed, accepted, partly refused); `None`
    /// while the container holds what its label declares. See [`ContainerStatus::quantity`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Quantity>,
    /// The quantity of the last weighing, if any: what the next weighing is compared with and
    /// what accepted + refused must add up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Quantity>,
    /// The weighing that measured `measured` (a correction of it corrects `measured`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_by: Option<EventId>,
    /// The organisation that recorded each event of `chain`, in the same order; empty for a
    /// status kept before this was recorded (then any party may correct, as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorded_by: Vec<CreditCode>,
    /// What the receiver refused of it (a partial refusal) and still holds: the part a split
    /// sends back to the sender (see [`crate::ReturningPart`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Quantity>,
    /// Whom it goes back to when returned, if not its label's producer: the sender of the
    /// manifest a refused part came under (the part's label names the receiver who made it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<CreditCode>,
    /// Whether its holder weighed it since it came into the holder's custody (since it
    /// began, or since the last handover): what a dispatch needs (the sender weighs before
    /// transfer). `None` in a status kept before this was recorded: then not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighed_in_custody: Option<bool>,
    /// When its holder's custody began (its genesis, or the last handover's `at`): a
    /// carrier's route track signed at the end of a transport may not begin before it (see
    /// [`crate::check_track`]). `None` in a status kept before this was recorded: then not
    /// checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody_since: Option<Timestamp>,
}

impl ContainerStatus {
    /// The organisation that recorded `event` of this chain, when known.
    pub fn recorder_of(&self, event: &EventId) -> Option<&CreditCode> {
        if self.recorded_by.len() != self.chain.len() {
            return None;
        }
        let i = self.chain.iter().position(|e| e == event)?;
        self.recorded_by.get(i)
    }

    /// The organisation it goes back to when returned: the sender of a refused part's
    /// manifest, else its label's producer.
    pub fn returns_to(&self) -> &CreditCode {
        self.return_to
            .as_ref()
            .unwrap_or(&self.label.producer.credit_code)
    }

    /// The quantity a weighing is compared with: the last one measured, else the label's.
    pub fn reference_quantity(&self) -> Quantity {
        self.measured.unwrap_or(self.label.quantity)
    }
}

impl ContainerStatus {
    /// What the container holds: the quantity last measured or accepted, else the label's.
    /// A merge or split balances against it.
    pub fn quantity(&self) -> Quantity {
        self.held.unwrap_or(self.label.quantity)
    }
}

/// How far an event may be dated before the event it follows: 10 minutes, for the clocks of
/// two parties' devices (a receipt composed by the receiver after a pickup the producer's
/// device dated). Beyond it the event is refused: a pickup dated before its dispatch.
pub const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// Checks a new label against the code and the recorder.
pub fn check_label(label: &ContainerLabel, recorder: &CreditCode) -> Result<(), CustodyError> {
    let code = &label.code;
    let bad = |m: String| Err(CustodyError::Label(m));
    if code.producer() != &label.producer.credit_code {
        return bad(format!(
            "code {code} names producer {}, label names {}",
            code.producer(),
            label.producer.credit_code
        ));
    }
    if code.waste_code() != &label.waste_code {
        return bad(format!(
            "code {code} names waste {}, label names {}",
            code.waste_code(),
            label.waste_code
        ));
    }
    if code.date() != label.generated_on {
        return bad(format!(
            "code {code} names date {}, label names {}",
            code.date(),
            label.generated_on
        ));
    }
    match label.waste_code.category() {
        Ok(c) if c == label.category => {}
        _ => {
            return bad(format!(
                "waste code {} is not in category {}",
                label.waste_code, label.category
            ))
        }
    }
    if &label.producer.credit_code != recorder {
        return bad(format!(
            "label names producer {}, recorded by {recorder}",
            label.producer.credit_code
        ));
    }
    Ok(())
}

fn check_manifest_number(
    status: &ContainerStatus,
    number: &yima_codes::ManifestNumber,
) -> Result<(), CustodyError> {
    match &status.manifest {
        // Part of the chain only: the dispatch is not at hand, its checks wait for the history.
        None if status.partial_from.is_some() => Ok(()),
        Some(m) if &m.number == number => Ok(()),
        Some(m) => Err(CustodyError::Manifest(format!(
            "container travels under manifest {}, not {number}",
            m.number
        ))),
        None => Err(CustodyError::Manifest(format!(
            "container was never dispatched; manifest {number} is unknown"
        ))),
    }
}

/// Applies `body` (with id `id`) to `container`, whose status so far is `before`
/// (`None` when the container does not exist yet). Returns the new status.
pub fn apply(
    before: Option<&ContainerStatus>,
    id: EventId,
    body: &EventBody,
    container: &LabelCode,
) -> Result<ContainerStatus, CustodyError> {
    let link = body
        .link(container)
        .ok_or_else(|| CustodyError::NotLinked(container.clone()))?;
    crate::event::check_operator(body.operator.as_deref())?;
    let step = body.step();
    let giver_role = body.event.giver().map(|g| g.role);
    let by = &body.by;
    if link.prev.is_none() {
        crate::track::check_track(body, None)?;
    }
    if matches!(step, Step::Generated | Step::Merged | Step::Split) {
        crate::lineage::check_shape(body)?;
    }

    // A container begins with its label: a generating event, or the new side of a merge/split.
    if link.prev.is_none() {
        let label = body
            .event
            .new_labels()
            .into_iter()
            .find(|l| &l.code == container)
            .ok_or_else(|| CustodyError::NoGenesis(container.clone()))?
            .clone();
        let state = match &body.event {
            EventKind::Generated { .. } => {
                check_label(&label, &by.org)?;
                transition(None, step, by.role, giver_role)?
            }
            EventKind::Merged {
                inherited_state, ..
            }
            | EventKind::Split {
                inherited_state, ..
            } => {
                // The new side inherits the state the sources had; the source side checks it.
                transition(Some(*inherited_state), step, by.role, giver_role)?;
                *inherited_state
            }
            _ => return Err(CustodyError::NoGenesis(container.clone())),
        };
        // The part of a split that holds a refused part starts refused, under the manifest it
        // came with, to go back to that manifest's sender (the source side checks both).
        let returning = match &body.event {
            EventKind::Split {
                returning: Some(r), ..
            } if &r.code == container => Some(r),
            _ => None,
        };
        let state = match returning {
            Some(_) => ContainerState::Refused,
            None => state,
        };
        let mut parties = BTreeSet::new();
        parties.insert(by.org.clone());
        return Ok(ContainerStatus {
            label,
            state,
            holder: by.org.clone(),
            manifest: returning.map(|r| r.manifest.clone()),
            refused: None,
            return_to: returning.map(|r| r.manifest.sender.credit_code.clone()),
            weighed_in_custody: Some(false),
            custody_since: Some(body.at),
            head: id,
            chain: vec![id],
            parties,
            partial_from: None,
            measured: None,
            measured_by: None,
            recorded_by: vec![by.org.clone()],
            head_at: Some(body.at),
            held: None,
        });
    }

    let Some(before) = before else {
        return Err(CustodyError::NoGenesis(container.clone()));
    };
    let change = check_step(before, body)?;
    let mut after = before.clone();
    change.advance(&mut after, id, body);
    Ok(after)
}

/// What a step does to an existing container, decided before anything changes.
/// Whether a new measured quantity comes from this event (a weighing) or corrects the last.
enum MeasuredBy {
    This,
    Corrected,
}

struct Change {
    state: ContainerState,
    holder: Option<CreditCode>,
    manifest: Option<Option<TransferManifest>>,
    measured: Option<(Quantity, MeasuredBy)>,
    label: Option<ContainerLabel>,
}

impl Change {
    fn advance(self, status: &mut ContainerStatus, id: EventId, body: &EventBody) {
        let recorder = &body.by.org;
        status.state = self.state;
        status.head = id;
        if status.recorded_by.len() == status.chain.len() {
            status.recorded_by.push(recorder.clone());
        }
        status.head_at = Some(body.at);
        match &body.event {
            EventKind::Weighed { measured } => status.held = Some(*measured),
            EventKind::Weighing { measured, .. } => status.held = Some(*measured),
            EventKind::Accepted { quantity } => status.held = Some(*quantity),
            EventKind::PartlyRefused {
                accepted, refused, ..
            } => {
                status.held = Some(*accepted);
                status.refused = Some(*refused);
            }
            _ => {}
        }
        status.chain.push(id);
        match self.measured {
            Some((m, MeasuredBy::This)) => {
                status.measured = Some(m);
                status.measured_by = Some(id);
            }
            Some((m, MeasuredBy::Corrected)) => status.measured = Some(m),
            None => {}
        }
        if let Some(l) = self.label {
            status.label = l;
        }
        if !status.parties.contains(recorder) {
            status.parties.insert(recorder.clone());
        }
        // A weighing is the holder's (checked above); a handover begins a new custody.
        match &body.event {
            EventKind::Weighed { .. } | EventKind::Weighing { .. } => {
                status.weighed_in_custody = Some(true)
            }
            _ if self.holder.is_some() => status.weighed_in_custody = Some(false),
            _ => {}
        }
        if let Some(h) = self.holder {
            status.holder = h;
            status.custody_since = Some(body.at);
        }
        if let Some(m) = self.manifest {
            status.manifest = m;
        }
    }
}

/// Applies `body` to `container` in place: the same rules as [`apply`], without copying the
/// status (verification folds long chains this way). On error the status is unchanged.
pub fn apply_mut(
    status: &mut Option<ContainerStatus>,
    id: EventId,
    body: &EventBody,
    container: &LabelCode,
) -> Result<(), CustodyError> {
    let link = body
        .link(container)
        .ok_or_else(|| CustodyError::NotLinked(container.clone()))?;
    crate::event::check_operator(body.operator.as_deref())?;
    match (link.prev, status.as_mut()) {
        (Some(_), Some(current)) => {
            let change = check_step(current, body)?;
            change.advance(current, id, body);
        }
        _ => *status = Some(apply(status.as_ref(), id, body, container)?),
    }
    Ok(())
}

/// Checks a step on an existing container against the table and every custody rule.
fn check_step(before: &ContainerStatus, body: &EventBody) -> Result<Change, CustodyError> {
    let step = body.step();
    let giver_role = body.event.giver().map(|g| g.role);
    let by = &body.by;
    let next_state = transition(Some(before.state), step, by.role, giver_role)?;
    crate::track::check_track(body, before.custody_since)?;
    if let Some(prev_at) = before.head_at {
        if body.at.0 < prev_at.0 - CLOCK_SKEW_MS {
            return Err(CustodyError::BeforePrevious {
                at: body.at.to_string(),
                prev_at: prev_at.to_string(),
            });
        }
    }
    let mut holder = None;
    let mut manifest_change = None;
    let mut measured = None;
    let mut label = None;

    let not_holder = |org: &CreditCode| CustodyError::NotHolder {
        org: org.clone(),
        holder: before.holder.clone(),
    };
    match &body.event {
        EventKind::Generated { .. } => {
            unreachable!("generated always has prev = None or fails the table")
        }
        EventKind::PickedUp {
            giver, manifest, ..
        } => {
            if giver.org != before.holder {
                return Err(not_holder(&giver.org));
            }
            check_manifest_number(before, manifest)?;
            if let Some(m) = &before.manifest {
                if before.state == ContainerState::Dispatched && m.carrier.credit_code != by.org {
                    return Err(CustodyError::Manifest(format!(
                        "manifest {} names carrier {}, not {}",
                        m.number, m.carrier.credit_code, by.org
                    )));
                }
            }
            holder = Some(by.org.clone());
        }
        EventKind::RelayHandover {
            giver, manifest, ..
        } => {
            if giver.org != before.holder {
                return Err(not_holder(&giver.org));
            }
            check_manifest_number(before, manifest)?;
            holder = Some(by.org.clone());
        }
        EventKind::Received {
            giver, manifest, ..
        } => {
            if giver.org != before.holder {
                return Err(not_holder(&giver.org));
            }
            check_manifest_number(before, manifest)?;
            if let Some(m) = &before.manifest {
                if m.receiver.credit_code != by.org {
                    return Err(CustodyError::Manifest(format!(
                        "manifest {} names receiver {}, not {}",
                        m.number, m.receiver.credit_code, by.org
                    )));
                }
            }
            holder = Some(by.org.clone());
        }
        EventKind::Returned { giver, .. } => {
            if giver.org != before.holder {
                return Err(not_holder(&giver.org));
            }
            if &by.org != before.returns_to() {
                return Err(CustodyError::Manifest(format!(
                    "returned waste goes back to {}, not {}",
                    before.returns_to(),
                    by.org
                )));
            }
            holder = Some(by.org.clone());
            manifest_change = Some(None);
        }
        EventKind::Dispatched { manifest, .. } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            if manifest.sender.credit_code != by.org {
                return Err(CustodyError::Manifest(format!(
                    "manifest {} names sender {}, not {}",
                    manifest.number, manifest.sender.credit_code, by.org
                )));
            }
            if manifest.receiver.credit_code == manifest.sender.credit_code {
                return Err(CustodyError::ReceiverIsSender(manifest.number.to_string()));
            }
            manifest
                .number
                .fits(&manifest.sender.credit_code, body.at.china_date())?;
            manifest_change = Some(Some(manifest.clone()));
        }
        EventKind::Correction {
            corrects, changes, ..
        } => {
            if !before.parties.contains(&by.org) {
                return Err(not_holder(&by.org));
            }
            if !before.chain.contains(corrects) {
                return Err(CustodyError::UnknownCorrected(corrects.to_string()));
            }
            if let Some(recorder) = before.recorder_of(corrects) {
                if recorder != &by.org {
                    return Err(CustodyError::NotRecorder {
                        org: by.org.clone(),
                        recorder: recorder.clone(),
                    });
                }
            }
            crate::correction::check_changes(changes, before.label.quantity.unit)?;
            // A correction of the last weighing's quantity corrects what was measured.
            if let (Some(m), Some(q)) = (before.measured, changes.get("quantity")) {
                if before.measured_by.as_ref() == Some(corrects) {
                    let unit = match changes.get("unit") {
                        Some(u) => u.parse().unwrap_or(m.unit),
                        None => m.unit,
                    };
                    if let Ok(q) = Quantity::parse(q, unit) {
                        measured = Some((q, MeasuredBy::Corrected));
                    }
                }
            }
            // A correction of the container's genesis corrects its label, in every view.
            if before.partial_from.is_none() && before.chain.first() == Some(corrects) {
                let mut corrected = before.label.clone();
                crate::correction::apply_to_label(&mut corrected, changes);
                label = Some(corrected);
            }
        }
        EventKind::Weighing {
            discrepancy,
            measured: m,
            method,
            scale,
            ..
        } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            crate::weighing::check_scale(*method, scale.as_deref())?;
            if let Some(d) = discrepancy {
                check_discrepancy(before, d, m)?;
            }
            measured = Some((*m, MeasuredBy::This));
        }
        EventKind::Weighed { measured: m } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            measured = Some((*m, MeasuredBy::This));
        }
        EventKind::Accepted { quantity } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            check_adds_up(before, &[*quantity], "accepted")?;
        }
        EventKind::PartlyRefused {
            accepted, refused, ..
        } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            if accepted.unit != refused.unit {
                return Err(CustodyError::Quantities(format!(
                    "accepted {accepted} and refused {refused} are in different units"
                )));
            }
            check_adds_up(before, &[*accepted, *refused], "accepted + refused")?;
        }
        EventKind::Refused { quantity, .. } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            check_adds_up(before, &[*quantity], "refused")?;
        }
        EventKind::Merged {
            inherited_state, ..
        }
        | EventKind::Split {
            inherited_state, ..
        } => {
            // The source side checks the whole lineage too: a merge that links no output,
            // or outputs that are not its labels, never reaches the new side's check.
            crate::lineage::check_shape(body)?;
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            if *inherited_state != before.state {
                return Err(CustodyError::InheritedState {
                    declared: inherited_state.as_str().into(),
                    actual: before.state.as_str().into(),
                });
            }
            if let EventKind::Split {
                returning: Some(r),
                parts,
                ..
            } = &body.event
            {
                crate::custody_quantities::check_returning(before, r, parts)?;
            }
        }
        EventKind::Stored { .. } if before.state == ContainerState::Dispatched => {
            // A cancelled dispatch: the sender still holds it; the manifest no longer applies.
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            manifest_change = Some(None);
        }
        EventKind::Stored { .. } | EventKind::Disposed { .. } | EventKind::Void { .. } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
        }
    }
    debug_assert_ne!(step, Step::Generated);
    Ok(Change {
        state: next_state,
        holder,
        manifest: manifest_change,
        measured,
        label,
    })
}
