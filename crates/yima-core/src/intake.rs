//! Rules of intake: what the device checks of an event it records and the registry of an
//! event pushed to it, once the custody rules passed, but not what a stored chain is
//! verified against (chains stored before these rules still verify, and a device learning
//! them from the registry applies them as recorded).

use crate::custody::{ContainerStatus, CustodyError};
use crate::event::{EventBody, EventKind};
use yima_codes::LabelCode;

/// Checks `body` against the statuses of its containers just before it (`source`; a
/// container not given, or a status that does not say, is not checked):
/// - the refused part of a partly refused container is not carried off by a step on the
///   accepted waste (use or disposal, a merge, a split that does not send it back, a
///   dispatch, a void): it is split off to go back first;
/// - the sender weighs before transfer: a dispatch of a container its holder has not weighed
///   since it came into its custody ([`ContainerStatus::weighed_in_custody`]) is refused.
pub fn check_intake<'a>(
    body: &EventBody,
    source: impl Fn(&LabelCode) -> Option<&'a ContainerStatus>,
) -> Result<(), CustodyError> {
    for l in body.links.iter().filter(|l| l.prev.is_some()) {
        let Some(s) = source(&l.container) else {
            continue;
        };
        crate::custody_quantities::check_refused_part_kept(s, &body.event)?;
        if matches!(body.event, EventKind::Dispatched { .. })
            && s.weighed_in_custody == Some(false)
            && s.holder == body.by.org
        {
            return Err(CustodyError::NotWeighed(l.container.clone()));
        }
    }
    Ok(())
}
