//! Loading a container's status from the store and committing a new event: the one path
//! every recorded step takes (checks, seal, sign, chain, append — in one transaction).

use crate::clock::{Clock, MAX_FUTURE_SKEW_MS};
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use std::collections::BTreeMap;
use yima_codes::LabelCode;
use yima_core::{
    apply, Actor, ContainerLabel, ContainerStatus, EventBody, EventKind, Link, SignedEvent,
    Timestamp, EVENT_FORMAT_VERSION,
};
use yima_store::{DeviceRow, NewEvent, Tx};

/// Folds the stored events of `code` (following links from its start) into its status.
pub(crate) fn load_status(
    tx: &Tx<'_>,
    code: &LabelCode,
) -> Result<Option<ContainerStatus>, DeviceError> {
    // Ids and bodies only: the status needs no signatures (verification checks those).
    let rows = tx.container_event_bodies(code)?;
    let mut status: Option<ContainerStatus> = None;
    for (id, body) in rows {
        let event = SignedEvent::from_parts(id, body, Vec::new()).map_err(|e| {
            DeviceError::new(
                ErrorKind::Storage,
                format!("stored event {id} is unreadable: {e}"),
            )
        })?;
        let link = event.body.link(code).expect("rows are selected by link");
        if link.prev != status.as_ref().map(|s| s.head) {
            continue; // a fork learned from elsewhere: the first branch is followed
        }
        status = Some(apply(status.as_ref(), event.id, &event.body, code)?);
    }
    Ok(status)
}

/// Loads the status of every code, or fails with `UnknownContainer`.
pub(crate) fn require_statuses(
    tx: &Tx<'_>,
    codes: &[LabelCode],
) -> Result<BTreeMap<LabelCode, ContainerStatus>, DeviceError> {
    let mut out = BTreeMap::new();
    for code in codes {
        let s = load_status(tx, code)?.ok_or_else(|| {
            DeviceError::bilingual(
                ErrorKind::UnknownContainer,
                format!("no record of container {code}"),
                format!("没有容器 {code} 的记录"),
            )
        })?;
        out.insert(code.clone(), s);
    }
    Ok(out)
}

/// Refuses a time too far ahead of the device clock.
pub(crate) fn check_time(at: Timestamp, now: Timestamp) -> Result<(), DeviceError> {
    if at.0 > now.0 + MAX_FUTURE_SKEW_MS {
        return Err(DeviceError::bilingual(
            ErrorKind::FutureTime,
            format!("{at} is in the future (device clock: {now})"),
            format!("{at} 晚于设备当前时间 {now}"),
        ));
    }
    Ok(())
}

/// Builds the sorted links: existing containers chained to their heads, new ones unchained.
pub(crate) fn links(
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    new: &[&ContainerLabel],
) -> Result<Vec<Link>, DeviceError> {
    let mut links: Vec<Link> = statuses
        .iter()
        .map(|(c, s)| Link {
            container: c.clone(),
            prev: Some(s.head),
        })
        .collect();
    links.extend(new.iter().map(|l| Link {
        container: l.code.clone(),
        prev: None,
    }));
    links.sort_by(|a, b| a.container.cmp(&b.container));
    if links.windows(2).any(|w| w[0].container == w[1].container) {
        return Err(DeviceError::bilingual(
            ErrorKind::BadInput,
            "a container is named twice",
            "同一容器出现了两次",
        ));
    }
    Ok(links)
}

/// Applies `event` to every container it links and appends it, with its new labels.
pub(crate) fn append(
    tx: &Tx<'_>,
    event: &SignedEvent,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    outbox: bool,
    now: Timestamp,
) -> Result<bool, DeviceError> {
    let mut after = Vec::with_capacity(event.body.links.len());
    for l in &event.body.links {
        let s = apply(
            statuses.get(&l.container),
            event.id,
            &event.body,
            &l.container,
        )?;
        after.push((s.state, s.holder));
    }
    let fresh = tx.append_event(&NewEvent {
        event,
        after,
        outbox,
        stored_at: now,
    })?;
    let new_labels = event.body.event.new_labels();
    if fresh && !new_labels.is_empty() {
        let edition = match &event.body.event {
            EventKind::Generated {
                catalogue_edition, ..
            } => catalogue_edition.clone(),
            // Merged and split containers keep the edition of their (first) source.
            _ => match statuses.keys().next() {
                Some(source) => tx
                    .container(source)?
                    .map(|c| c.catalogue_edition)
                    .unwrap_or_default(),
                None => String::new(),
            },
        };
        for label in new_labels {
            tx.insert_container(label, &event.id, &edition)?;
        }
    }
    Ok(fresh)
}

/// Builds, seals, signs, checks and appends one event composed by this device alone, inside
/// the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn commit_in<F>(
    tx: &Tx<'_>,
    device: &DeviceRow,
    now: Timestamp,
    codes: &[LabelCode],
    at: Option<Timestamp>,
    location: Option<String>,
    make: F,
) -> Result<SignedEvent, DeviceError>
where
    F: FnOnce(
        &Tx<'_>,
        &DeviceRow,
        &BTreeMap<LabelCode, ContainerStatus>,
        Timestamp,
    ) -> Result<EventKind, DeviceError>,
{
    let at = at.unwrap_or(now);
    check_time(at, now)?;
    let statuses = require_statuses(tx, codes)?;
    let kind = make(tx, device, &statuses, at)?;
    let links = links(&statuses, &kind.new_labels())?;
    let key = device.key.public();
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by: Actor {
            org: device.org.credit_code.clone(),
            role: device.role,
            key,
        },
        composer: key,
        event: kind,
        links,
        location,
        seq: tx.next_seq(&key)?,
    };
    let event = SignedEvent::seal(body, &device.key);
    append(tx, &event, &statuses, true, now)?;
    Ok(event)
}

impl<C: Clock> Device<C> {
    /// Records an event this device composes and signs alone: checks the time, loads the
    /// containers, lets `make` build the event, seals, signs, applies every custody rule and
    /// appends — all in one immediate transaction.
    pub(crate) fn commit<F>(
        &mut self,
        codes: &[LabelCode],
        at: Option<Timestamp>,
        location: Option<String>,
        make: F,
    ) -> Result<SignedEvent, DeviceError>
    where
        F: FnOnce(
            &Tx<'_>,
            &DeviceRow,
            &BTreeMap<LabelCode, ContainerStatus>,
            Timestamp,
        ) -> Result<EventKind, DeviceError>,
    {
        let now = self.clock.now();
        self.store.write(|tx| {
            let device = tx.require_device()?;
            commit_in(tx, &device, now, codes, at, location, make)
        })
    }
}
