//! Folding a container's events into its status, with every rule of custody checked:
//! the state table, who holds the container, and the manifest it travels under.

use crate::event::{EventBody, EventKind, Step};
use crate::model::{ContainerLabel, TransferManifest};
use crate::signing::EventId;
use crate::state::{transition, ContainerState, TransitionError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use yima_codes::{CreditCode, LabelCode};

/// What one container's chain says about it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerStatus {
    /// The container's label as generated.
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
}

/// Why an event may not be applied to a container.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodyError {
    /// The state table forbids the step.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The event does not concern the container.
    #[error("the event does not concern container {0}")]
    NotLinked(LabelCode),
    /// The container must be begun by a generating event (or a merge/split creating it).
    #[error("container {0} has no generating event before this one")]
    NoGenesis(LabelCode),
    /// The recorder (or giver) is not the organisation holding the container.
    #[error("{org} does not hold the container; {holder} does")]
    NotHolder {
        /// Who tried.
        org: CreditCode,
        /// Who holds it.
        holder: CreditCode,
    },
    /// A label's facts contradict each other or the recorder.
    #[error("label does not fit: {0}")]
    Label(String),
    /// The manifest named does not match the container's dispatch, or its parties.
    #[error("manifest mismatch: {0}")]
    Manifest(String),
    /// A correction names an event not in this container's chain.
    #[error("corrected event {0} is not in this container's chain")]
    UnknownCorrected(String),
    /// A merge or split declares a state the source was not in.
    #[error("the event says the source was {declared}, but it was {actual}")]
    InheritedState {
        /// State the event declares.
        declared: String,
        /// State the chain says.
        actual: String,
    },
}

impl CustodyError {
    /// The message in `lang` (details quoting stored values stay as they are).
    pub fn message(&self, lang: yima_codes::Lang) -> String {
        use yima_codes::Lang;
        match (self, lang) {
            (CustodyError::Transition(t), _) => t.message(lang),
            (_, Lang::En) => self.to_string(),
            (CustodyError::NotLinked(c), Lang::Zh) => format!("该事件与容器 {c} 无关"),
            (CustodyError::NoGenesis(c), Lang::Zh) => format!("容器 {c} 在此之前没有产生记录"),
            (CustodyError::NotHolder { org, holder }, Lang::Zh) => {
                format!("{org} 并不持有该容器，持有单位是 {holder}")
            }
            (CustodyError::Label(m), Lang::Zh) => format!("标签信息不一致：{m}"),
            (CustodyError::Manifest(m), Lang::Zh) => format!("与转移联单不符：{m}"),
            (CustodyError::UnknownCorrected(e), Lang::Zh) => {
                format!("被更正的事件 {e} 不在该容器的链中")
            }
            (CustodyError::InheritedState { declared, actual }, Lang::Zh) => {
                format!("事件声明来源容器状态为 {declared}，实际为 {actual}")
            }
        }
    }
}

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
    let step = body.step();
    let giver_role = body.event.giver().map(|g| g.role);
    let by = &body.by;

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
        let mut parties = BTreeSet::new();
        parties.insert(by.org.clone());
        return Ok(ContainerStatus {
            label,
            state,
            holder: by.org.clone(),
            manifest: None,
            head: id,
            chain: vec![id],
            parties,
            partial_from: None,
        });
    }

    let Some(before) = before else {
        return Err(CustodyError::NoGenesis(container.clone()));
    };
    let change = check_step(before, body)?;
    let mut after = before.clone();
    change.advance(&mut after, id, &by.org);
    Ok(after)
}

/// Starts the status of a container whose earlier history is not at hand, from a handover
/// `body` (with id `id`) taken over QR codes: the taker scanned the container's label
/// (`label`: the facts the code and the signed label payload give) and the giver's offer,
/// but has never seen the events before. The state table and the roles are checked; the
/// manifest's parties and the holder before the handover are checked once the history
/// arrives (and by the registry, which has it).
pub fn resume(
    label: ContainerLabel,
    id: EventId,
    body: &EventBody,
    container: &LabelCode,
) -> Result<ContainerStatus, CustodyError> {
    let link = body
        .link(container)
        .ok_or_else(|| CustodyError::NotLinked(container.clone()))?;
    let (Some(prev), Some(giver)) = (link.prev, body.event.giver()) else {
        return Err(CustodyError::NoGenesis(container.clone()));
    };
    if &label.code != container {
        return Err(CustodyError::Label(format!(
            "label {} given for container {container}",
            label.code
        )));
    }
    let step = body.step();
    let mut last = None;
    let mut state = None;
    for rule in crate::state::RULES.iter().filter(|r| r.step == step) {
        for from in rule.from {
            match transition(*from, step, body.by.role, Some(giver.role)) {
                Ok(s) => {
                    state = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        if state.is_some() {
            break;
        }
    }
    let state = match (state, last) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(e.into()),
        (None, None) => return Err(CustodyError::NoGenesis(container.clone())),
    };
    if step == Step::Returned && body.by.org != label.producer.credit_code {
        return Err(CustodyError::Manifest(format!(
            "returned waste goes back to its producer {}, not {}",
            label.producer.credit_code, body.by.org
        )));
    }
    let mut parties = BTreeSet::new();
    parties.insert(body.by.org.clone());
    Ok(ContainerStatus {
        label,
        state,
        holder: body.by.org.clone(),
        manifest: None,
        head: id,
        chain: vec![id],
        parties,
        partial_from: Some(prev),
    })
}

/// What a step does to an existing container, decided before anything changes.
struct Change {
    state: ContainerState,
    holder: Option<CreditCode>,
    manifest: Option<Option<TransferManifest>>,
}

impl Change {
    fn advance(self, status: &mut ContainerStatus, id: EventId, recorder: &CreditCode) {
        status.state = self.state;
        status.head = id;
        status.chain.push(id);
        if !status.parties.contains(recorder) {
            status.parties.insert(recorder.clone());
        }
        if let Some(h) = self.holder {
            status.holder = h;
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
    match (link.prev, status.as_mut()) {
        (Some(_), Some(current)) => {
            let change = check_step(current, body)?;
            change.advance(current, id, &body.by.org);
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
    let mut holder = None;
    let mut manifest_change = None;

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
            if by.org != before.label.producer.credit_code {
                return Err(CustodyError::Manifest(format!(
                    "returned waste goes back to its producer {}, not {}",
                    before.label.producer.credit_code, by.org
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
            manifest_change = Some(Some(manifest.clone()));
        }
        EventKind::Correction { corrects, .. } => {
            if !before.parties.contains(&by.org) {
                return Err(not_holder(&by.org));
            }
            if !before.chain.contains(corrects) {
                return Err(CustodyError::UnknownCorrected(corrects.to_string()));
            }
        }
        EventKind::Merged {
            inherited_state, ..
        }
        | EventKind::Split {
            inherited_state, ..
        } => {
            if by.org != before.holder {
                return Err(not_holder(&by.org));
            }
            if *inherited_state != before.state {
                return Err(CustodyError::InheritedState {
                    declared: inherited_state.as_str().into(),
                    actual: before.state.as_str().into(),
                });
            }
        }
        EventKind::Stored { .. }
        | EventKind::Weighed { .. }
        | EventKind::Accepted { .. }
        | EventKind::PartlyRefused { .. }
        | EventKind::Refused { .. }
        | EventKind::Disposed { .. }
        | EventKind::Void { .. } => {
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
    })
}
