//! Loading a container's status from the store and committing a new event: the one path
//! every recorded step takes (checks, seal, sign, chain, append — in one transaction).

use crate::clock::{Clock, MAX_FUTURE_SKEW_MS};
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use std::collections::{BTreeMap, HashMap, HashSet};
use yima_codes::LabelCode;
use yima_core::{
    apply, apply_mut, resume, Actor, ContainerLabel, ContainerStatus, EventBody, EventId,
    EventKind, LabelPayload, Link, SignedEvent, Timestamp, EVENT_FORMAT_VERSION,
};
use yima_store::{DeviceRow, NewEvent, Tx};

/// Folds the stored events of `code` into its status, following the chain's links from its
/// start (the order events arrived in does not matter: history pulled later slots in before a
/// handover taken earlier). Where the device holds only part of the chain — containers taken
/// over QR codes, whose label was scanned but whose history has not synced yet — the fold
/// starts from that handover ([`yima_core::resume`]). In a write transaction the status is
/// kept by the store (see [`keep_after`]), so that the next event on the container does not
/// read and decode its chain again; taking it from there leaves only its head until the
/// event that follows keeps the next status.
pub(crate) fn load_status(
    tx: &Tx<'_>,
    code: &LabelCode,
) -> Result<Option<ContainerStatus>, DeviceError> {
    if let Some(status) = tx.take_cached_status(code) {
        return Ok(Some(status));
    }
    // Ids and bodies only: the status needs no signatures (verification checks those).
    let rows = tx.container_event_bodies(code)?;
    let mut events = Vec::with_capacity(rows.len());
    for (id, body) in rows {
        let event = SignedEvent::from_parts(id, body, Vec::new()).map_err(|e| {
            DeviceError::new(
                ErrorKind::Storage,
                format!("stored event {id} is unreadable: {e}"),
            )
        })?;
        events.push(event);
    }
    let prev = |e: &SignedEvent| e.body.link(code).expect("rows are selected by link").prev;
    // The common case: one chain stored in order, no fork. Fold as it comes.
    let in_order = events
        .iter()
        .enumerate()
        .all(|(i, e)| prev(e) == i.checked_sub(1).map(|j| events[j].id));
    let mut status: Option<ContainerStatus> = None;
    if in_order {
        for e in &events {
            apply_mut(&mut status, e.id, &e.body, code)?;
        }
    } else {
        status = fold_links(tx, code, &events, prev)?;
    }
    if let Some(status) = &status {
        // Only its head, for `keep_after`: the caller has the status.
        tx.keep_head(code, status.head);
    }
    Ok(status)
}

/// Folds a chain whose events arrived out of order, or that forks, or that starts from a
/// handover taken over QR codes, by following its links.
fn fold_links(
    tx: &Tx<'_>,
    code: &LabelCode,
    events: &[SignedEvent],
    prev: impl Fn(&SignedEvent) -> Option<EventId>,
) -> Result<Option<ContainerStatus>, DeviceError> {
    let mut status: Option<ContainerStatus> = None;
    let mut children: HashMap<Option<EventId>, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        children.entry(prev(e)).or_default().push(i);
    }
    let mut cursor = None;
    if !children.contains_key(&None) {
        let ids: HashSet<EventId> = events.iter().map(|e| e.id).collect();
        let start = events
            .iter()
            .find(|e| prev(e).is_some_and(|p| !ids.contains(&p)));
        let (Some(start), Some(payload)) = (start, tx.scanned_label(code)?) else {
            return Ok(None);
        };
        let label = scanned_label(code, &payload)?;
        status = Some(resume(label, start.id, &start.body, code)?);
        cursor = Some(start.id);
    }
    // A fork learned from elsewhere: the branch that arrived first is followed.
    while let Some(&first) = children.get(&cursor).and_then(|l| l.first()) {
        let e = &events[first];
        apply_mut(&mut status, e.id, &e.body, code)?;
        cursor = Some(e.id);
    }
    Ok(status)
}

/// What a device knows of a label it scanned but whose generating event it has not seen: the
/// facts of the 37-character code and the signed payload (producer, waste code and category,
/// date, quantity) and nothing else. The other fields are left empty (the form, an enum,
/// stays at its default) and the views list them as unknown ([`SCANNED_LABEL_UNKNOWN`]):
/// nothing is filled in from the catalogue as if the label said it.
pub(crate) fn scanned_label(
    code: &LabelCode,
    payload: &str,
) -> Result<ContainerLabel, DeviceError> {
    let p = LabelPayload::parse(payload).map_err(|e| {
        DeviceError::new(
            ErrorKind::Storage,
            format!("kept label of {code} is unreadable: {e}"),
        )
    })?;
    ContainerLabel::from_code(code, p.quantity())
        .map_err(|e| DeviceError::new(ErrorKind::Storage, format!("label of {code}: {e}")))
}

/// The label fields a scanned label does not carry: unknown until the container's history
/// arrives.
pub const SCANNED_LABEL_UNKNOWN: [&str; 12] = [
    "name",
    "form",
    "hazards",
    "main_components",
    "harmful_components",
    "precautions",
    "producer_name",
    "contact",
    "phone",
    "container_type",
    "facility_code",
    "remarks",
];

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

/// Applies `event` to every container it links and appends it, with its new labels and
/// signatures; `false` if it was stored already.
pub(crate) fn append(
    tx: &Tx<'_>,
    event: &SignedEvent,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    outbox: bool,
    now: Timestamp,
) -> Result<bool, DeviceError> {
    yima_core::check_balance(&event.body, |c| statuses.get(c))?;
    let mut after = Vec::with_capacity(event.body.links.len());
    let mut next = Vec::with_capacity(event.body.links.len());
    for l in &event.body.links {
        let s = apply(
            statuses.get(&l.container),
            event.id,
            &event.body,
            &l.container,
        )?;
        after.push((s.state, s.holder.clone()));
        next.push(s);
    }
    // What this device records meets the rules of intake; what it learns from others was
    // recorded under the rules of its time, as the registry accepted it.
    if outbox {
        yima_core::check_intake(&event.body, |c| statuses.get(c))?;
    }
    let pos = tx.insert_event(&NewEvent {
        event,
        after,
        outbox,
        stored_at: now,
    })?;
    if pos.is_none() {
        return Ok(false);
    }
    // The person who did it: the device's operator in force (events this device records or
    // takes part in; not events learned from others).
    if outbox {
        if let Some(name) = tx.operator()? {
            tx.insert_event_operator(&event.id, &name)?;
        }
    }
    let new_labels = event.body.event.new_labels();
    let mut begun: Vec<&ContainerLabel> = Vec::with_capacity(new_labels.len());
    if !new_labels.is_empty() {
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
        for label in &new_labels {
            // A pulled event that begins a container this device already knows forks its
            // start (two devices drew the same label code, or a merge raced a generation):
            // it is stored as a fork, both branches kept for verification to flag, and the
            // label first known stays the container's row. This device's own events never
            // get here: they draw fresh codes and a duplicate is refused.
            if !outbox && tx.container(&label.code)?.is_some() {
                continue;
            }
            tx.insert_container(label, &event.id, &edition)?;
            begun.push(*label);
        }
    }
    keep_after(tx, event, statuses, &begun, next);
    Ok(true)
}

/// Stores a pulled event that cannot be applied (a fork breaking a rule of custody, which
/// the registry keeps unapplied too): its links record the state and holder before it, it
/// begins no container row, and no status is kept, so the chain followed is unchanged and
/// verification flags the event.
pub(crate) fn keep_unapplied(
    tx: &Tx<'_>,
    event: &SignedEvent,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    now: Timestamp,
) -> Result<(), DeviceError> {
    let after = event
        .body
        .links
        .iter()
        .map(|l| match statuses.get(&l.container) {
            Some(s) => (s.state, s.holder.clone()),
            None => (
                yima_core::ContainerState::Generated,
                event.body.by.org.clone(),
            ),
        })
        .collect();
    tx.insert_event(&NewEvent {
        event,
        after,
        outbox: false,
        stored_at: now,
    })?;
    for l in &event.body.links {
        tx.forget_status(&l.container);
    }
    Ok(())
}

/// Keeps the statuses an appended event leaves wherever the event extends the chain
/// [`load_status`] follows — exactly what folding the stored chain again would give:
///
/// * a container the event creates: its `containers` row (unique code) was just inserted,
///   so no earlier event began it, and the first event of any container is its genesis
///   (an event is stored only after the event it follows);
/// * a container whose kept status has the head this event follows: events are stored after
///   the events they follow, so no stored event follows that head yet, and this one is the
///   next the fold applies. (The status it was applied to has that head too, and a chain is
///   fixed by its head's hash links, so it is the kept status.)
///
/// Anywhere else (a fork, a container not kept) nothing is kept: the chain is read again.
/// One path stores events before the events they follow: history pulled from the registry
/// behind a handover taken over QR codes. `store_pulled` (and `accept_handover_qr`, whose
/// chains may start there) therefore forget what is kept of every container they touch.
/// What is kept of a container may be only its head (its status was taken to compose this
/// event): that is enough to know whether the event extends it.
fn keep_after(
    tx: &Tx<'_>,
    event: &SignedEvent,
    statuses: &BTreeMap<LabelCode, ContainerStatus>,
    new_labels: &[&ContainerLabel],
    next: Vec<ContainerStatus>,
) {
    for (l, s) in event.body.links.iter().zip(next) {
        match l.prev {
            None if new_labels.iter().any(|n| n.code == l.container) => {
                tx.keep_status(&l.container, s)
            }
            None => {}
            Some(prev) if tx.cached_head(&l.container) == Some(prev) => {
                if statuses.get(&l.container).map(|s| s.head) == Some(prev) {
                    tx.keep_status(&l.container, s);
                } else {
                    // It extends the chain, but from a status of another head: keep nothing.
                    tx.forget_status(&l.container);
                }
            }
            Some(_) => {}
        }
    }
}

/// What builds the kind of an event this device composes alone, given the transaction, the
/// device, the statuses of the containers the event names and the event's time: the one
/// bound of [`compose_in`], [`commit_in`] and [`Device::commit`].
pub(crate) trait MakeKind:
    FnOnce(
    &Tx<'_>,
    &DeviceRow,
    &BTreeMap<LabelCode, ContainerStatus>,
    Timestamp,
) -> Result<EventKind, DeviceError>
{
}

impl<F> MakeKind for F where
    F: FnOnce(
        &Tx<'_>,
        &DeviceRow,
        &BTreeMap<LabelCode, ContainerStatus>,
        Timestamp,
    ) -> Result<EventKind, DeviceError>
{
}

/// The body of an event this device composes alone, and the statuses of the containers it
/// names, inside the caller's transaction: checks the time, loads the containers, lets
/// `make` build the event, links it and takes the next counter value.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compose_in<F>(
    tx: &Tx<'_>,
    device: &DeviceRow,
    now: Timestamp,
    codes: &[LabelCode],
    at: Option<Timestamp>,
    location: Option<String>,
    make: F,
) -> Result<(EventBody, BTreeMap<LabelCode, ContainerStatus>), DeviceError>
where
    F: MakeKind,
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
        // The person who did it: the device's operator in force, signed with the event.
        operator: tx.operator()?,
        // Only a handover ends a transport, and handovers are composed as offers.
        track: None,
        seq: tx.next_seq(&key)?,
    };
    Ok((body, statuses))
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
    F: MakeKind,
{
    let (body, statuses) = compose_in(tx, device, now, codes, at, location, make)?;
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
        F: MakeKind,
    {
        let now = self.clock.now();
        self.store.write(|tx| {
            let device = tx.require_device()?;
            commit_in(tx, &device, now, codes, at, location, make)
        })
    }
}
