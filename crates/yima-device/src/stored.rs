//! Events as this device stores them, read back as signed events: one way, so that an event
//! that cannot be read fails naming it everywhere rather than be left out anywhere.

use crate::error::{DeviceError, ErrorKind};
use yima_codes::LabelCode;
use yima_core::{RawEvent, SignedEvent};
use yima_store::Tx;

/// A stored event's raw form as a signed event; one that cannot be read is a storage error
/// naming it.
pub(crate) fn signed(raw: RawEvent) -> Result<SignedEvent, DeviceError> {
    let id = raw.id;
    SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures).map_err(|err| {
        DeviceError::bilingual(
            ErrorKind::Storage,
            format!("stored event {id} is unreadable: {err}"),
            format!("已存事件 {id} 无法读取：{err}"),
        )
    })
}

/// Every event stored, in the order stored, inside the caller's read transaction.
pub(crate) fn signed_events(tx: &Tx<'_>) -> Result<Vec<SignedEvent>, DeviceError> {
    tx.all_event_rows()?
        .into_iter()
        .map(|row| signed(row.to_raw()?))
        .collect()
}

/// The events of `container`'s chain, in the order stored.
pub(crate) fn container_events(
    tx: &Tx<'_>,
    container: &LabelCode,
) -> Result<Vec<SignedEvent>, DeviceError> {
    tx.container_event_rows(container)?
        .into_iter()
        .map(|row| signed(row.to_raw()?))
        .collect()
}
