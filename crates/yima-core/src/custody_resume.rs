//! A container's status begun part-way: from a handover taken over QR codes, its earlier
//! history not at hand.

use crate::custody::{ContainerStatus, CustodyError};
use crate::event::{EventBody, Step};
use crate::model::ContainerLabel;
use crate::signing::EventId;
use crate::state::transition;
use std::collections::BTreeSet;
use yima_codes::LabelCode;

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
    crate::event::check_operator(body.operator.as_deref())?;
    crate::track::check_track(body, None)?;
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
        measured: None,
        measured_by: None,
        recorded_by: vec![body.by.org.clone()],
        head_at: Some(body.at),
        held: None,
        refused: None,
        return_to: None,
        // Taken over at this handover: not weighed by its new holder yet.
        weighed_in_custody: Some(false),
        custody_since: Some(body.at),
    })
}
