//! The sender weighs before dispatch (危险废物转移管理办法): a dispatch names every container
//! its sender has not weighed since it came into its custody.

use crate::error::{DeviceError, ErrorKind};
use std::collections::BTreeMap;
use yima_codes::LabelCode;
use yima_core::{ContainerStatus, EventId};
use yima_store::Tx;

/// Refuses a dispatch of containers the sender has not weighed since they came into its
/// custody ([`yima_core::weighed_since_custody`]), naming them all. Only containers the
/// dispatch would otherwise be allowed for are looked at: one this device does not hold, or
/// in a state it cannot leave from, is refused by the custody rules as before. A container
/// known only in part (taken over QR codes, its history not synced yet) is decided the same
/// way: its known chain starts with the handover that made this device's organisation its
/// holder, so whether it was weighed since is known.
pub(crate) fn check_weighed(
    tx: &Tx<'_>,
    device: &yima_store::DeviceRow,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
) -> Result<(), DeviceError> {
    let sender = &device.org.credit_code;
    let mut unweighed = Vec::new();
    for (code, status) in statuses {
        let may_leave = yima_core::transition(
            Some(status.state),
            yima_core::Step::Dispatched,
            device.role,
            None,
        )
        .is_ok();
        if &status.holder != sender || !may_leave {
            continue;
        }
        let mut bodies: BTreeMap<EventId, Vec<u8>> =
            tx.container_event_bodies(code)?.into_iter().collect();
        let mut chain = Vec::with_capacity(status.chain.len());
        for id in &status.chain {
            let body = bodies.remove(id).ok_or_else(|| {
                DeviceError::new(
                    ErrorKind::Storage,
                    format!("event {id} of container {code} is not stored"),
                )
            })?;
            let body = yima_core::decode(&body).map_err(|e| {
                DeviceError::new(
                    ErrorKind::Storage,
                    format!("stored event {id} is unreadable: {e}"),
                )
            })?;
            chain.push(body);
        }
        if !yima_core::weighed_since_custody(sender, &chain) {
            unweighed.push(code.clone());
        }
    }
    if unweighed.is_empty() {
        return Ok(());
    }
    let list = |sep: &str| {
        unweighed
            .iter()
            .map(LabelCode::as_str)
            .collect::<Vec<_>>()
            .join(sep)
    };
    Err(DeviceError::bilingual(
        ErrorKind::NotWeighed,
        format!(
            "the sender must weigh these containers before dispatch: {}",
            list(", ")
        ),
        format!("以下容器出库前须由移出人称重：{}", list("、")),
    )
    .with_containers(unweighed))
}
