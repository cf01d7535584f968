//! `verify`: the core's verification of every stored event, plus a check that every index
//! column and derived row of the store still says what the signed bodies say — so a hand
//! edit of any custody row is reported, naming the event.

use crate::clock::Clock;
use crate::error::DeviceError;
use crate::identity::{device_key_dir, label_keys};
use crate::Device;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{
    verify, ContainerState, EventBody, EventId, Failure, FailureKind, Link, RawEvent, VerifyOptions,
};
use yima_store::{ContainerRow, EventRow, KnownKey, LinkRow};

/// The outcome of `verify`.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyResult {
    /// Whether nothing failed.
    pub ok: bool,
    /// Events examined.
    pub events: usize,
    /// Containers examined.
    pub containers: usize,
    /// What failed.
    pub failures: Vec<Failure>,
    /// Containers taken over QR codes whose earlier history has not synced yet: their chain
    /// starts, on this device, at that handover (not a failure; sync brings the rest).
    pub without_history: Vec<LabelCode>,
}

impl VerifyResult {
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.ok
    }
}

fn altered(out: &mut Vec<Failure>, id: EventId, container: Option<LabelCode>, detail: String) {
    out.push(Failure {
        event: id,
        container,
        kind: FailureKind::IdMismatch,
        detail,
    });
}

/// Whether `value` displays as exactly `text`, without writing it out.
fn shows_as(value: &impl fmt::Display, text: &str) -> bool {
    struct Rest<'a>(&'a str);
    impl fmt::Write for Rest<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
            Ok(())
        }
    }
    let mut rest = Rest(text);
    fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
}

/// Whether the stored links of an event are the signed ones, as sets of (container,
/// previous event).
fn same_links(stored: &[&LinkRow], signed: &[Link]) -> bool {
    fn prev(l: &Link) -> Option<&[u8]> {
        l.prev.as_ref().map(|p| &p.as_bytes()[..])
    }
    // Both are in code order, one row per link: compared in place first.
    let in_place = stored.len() == signed.len()
        && stored
            .iter()
            .zip(signed)
            .all(|(s, l)| s.container == l.container.as_str() && s.prev.as_deref() == prev(l));
    in_place || {
        let stored: BTreeSet<(&str, Option<&[u8]>)> = stored
            .iter()
            .map(|l| (l.container.as_str(), l.prev.as_deref()))
            .collect();
        let signed: BTreeSet<(&str, Option<&[u8]>)> = signed
            .iter()
            .map(|l| (l.container.as_str(), prev(l)))
            .collect();
        stored == signed
    }
}

fn audit_event_row(out: &mut Vec<Failure>, row: &EventRow, id: EventId, body: &EventBody) {
    let mut diffs = Vec::new();
    if row.step != body.step().as_str() {
        diffs.push(format!(
            "step column {:?} but the signed body says {:?}",
            row.step,
            body.step().as_str()
        ));
    }
    if row.at != body.at.0 {
        diffs.push(format!(
            "time column {} but the signed body says {}",
            row.at, body.at.0
        ));
    }
    if row.recorder != body.by.key.as_bytes() || row.recorder_org != body.by.org.as_str() {
        diffs.push("recorder columns differ from the signed body".to_string());
    }
    if row.composer != body.composer.as_bytes() || row.seq != body.seq as i64 {
        diffs.push("composer or counter column differs from the signed body".to_string());
    }
    for d in diffs {
        altered(out, id, None, format!("stored row altered: {d}"));
    }
}

/// An event id as stored: the id it names if it is 32 bytes, else zeros (for a failure that
/// must name something).
fn stored_id(bytes: &[u8]) -> EventId {
    EventId(bytes.try_into().unwrap_or([0; 32]))
}

/// The link rows of each event row, as ranges of the link rows in their stored order.
struct LinksByEvent {
    /// Per event row, the run of its link rows met in order (empty if none).
    first: Vec<Range<usize>>,
    /// Further runs of an event's link rows, met out of order (only after a hand edit), by
    /// event row, in its order.
    more: Vec<(usize, Range<usize>)>,
    /// Events named by link rows but not stored: (event, the least container code linked).
    orphans: BTreeMap<Vec<u8>, String>,
}

/// Groups the link rows by event row. An event's link rows are stored right after it, so
/// both lists are walked once, side by side, in memory order; a run of link rows that the
/// walk does not meet in place (only a hand edit makes one) is looked up by its event id.
fn links_by_event(rows: &[EventRow], links: &[LinkRow]) -> LinksByEvent {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, l) in links.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if links[run.start].event_id == l.event_id => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    let mut first = vec![0..0; rows.len()];
    let mut taken = vec![false; runs.len()];
    let mut next = 0;
    for (i, row) in rows.iter().enumerate() {
        if let Some(run) = runs.get(next) {
            if links[run.start].event_id == row.id {
                first[i] = run.clone();
                taken[next] = true;
                next += 1;
            }
        }
    }
    let mut more = Vec::new();
    let mut orphans: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    if taken.iter().any(|t| !t) {
        let by_id: HashMap<&[u8], usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.id[..], i))
            .collect();
        for (run, _) in runs.iter().zip(&taken).filter(|(_, t)| !**t) {
            let event = &links[run.start].event_id[..];
            match by_id.get(event) {
                Some(&i) => more.push((i, run.clone())),
                None => {
                    for l in &links[run.clone()] {
                        let least = orphans.entry(event.to_vec()).or_insert(l.container.clone());
                        if l.container < *least {
                            least.clone_from(&l.container);
                        }
                    }
                }
            }
        }
        more.sort_by_key(|(i, _)| *i);
    }
    LinksByEvent {
        first,
        more,
        orphans,
    }
}

/// Checks every stored event row and its link rows against the signed bodies: `decoded`
/// are the bodies verification decoded, in the order of `rows` (those that did not decode
/// left out), and `after` what the chains give.
fn audit_event_rows(
    rows: &[EventRow],
    link_rows: &[LinkRow],
    grouped: LinksByEvent,
    decoded: &[(EventId, EventBody)],
    after: &HashMap<(EventId, LabelCode), (ContainerState, CreditCode)>,
) -> Vec<Failure> {
    let mut out = Vec::new();
    for (event, container) in grouped.orphans {
        out.push(Failure {
            event: stored_id(&event),
            container: container.parse().ok(),
            kind: FailureKind::BrokenLink,
            detail: "a chain link names an event that is no longer stored (deleted?)".into(),
        });
    }
    let mut links: Vec<&LinkRow> = Vec::new();
    let mut decoded = decoded.iter().peekable();
    for (i, row) in rows.iter().enumerate() {
        // The decoded bodies are met in the order of the rows: taken in one walk.
        let Some((id, body)) = decoded.next_if(|(id, _)| row.id == id.as_bytes()) else {
            continue;
        };
        let id = *id;
        links.clear();
        links.extend(&link_rows[grouped.first[i].clone()]);
        let more = grouped.more.partition_point(|(k, _)| *k < i);
        for (_, run) in grouped.more[more..].iter().take_while(|(k, _)| *k == i) {
            links.extend(&link_rows[run.clone()]);
        }
        audit_event_row(&mut out, row, id, body);
        if !same_links(&links, &body.links) {
            altered(
                &mut out,
                id,
                None,
                "stored chain links differ from the signed body".into(),
            );
        }
        for l in &links {
            // What the chain gives is known only for containers the signed body links.
            let Some(signed) = body
                .links
                .iter()
                .find(|s| s.container.as_str() == l.container)
            else {
                continue;
            };
            let key = (id, signed.container.clone());
            if let Some((state, holder)) = after.get(&key) {
                if l.state_after != state.as_str() || l.holder_after != holder.as_str() {
                    altered(
                        &mut out,
                        id,
                        Some(key.1),
                        format!(
                            "stored state {}/{} differs from what the chain gives ({}/{})",
                            l.state_after,
                            l.holder_after,
                            state.as_str(),
                            holder
                        ),
                    );
                }
            }
        }
    }
    out
}

/// Checks every container row against the label in the signed event that created it.
fn audit_container_rows(
    container_rows: &[ContainerRow],
    bodies: &HashMap<EventId, &EventBody>,
) -> Vec<Failure> {
    let mut out = Vec::new();
    for c in container_rows {
        let id = stored_id(&c.event_id);
        let label = bodies.get(&id).and_then(|b| {
            b.event
                .new_labels()
                .into_iter()
                .find(|l| l.code.as_str() == c.code)
        });
        let Some(label) = label else {
            altered(
                &mut out,
                id,
                c.code.parse().ok(),
                format!(
                    "container row {} names an event that did not create it",
                    c.code
                ),
            );
            continue;
        };
        let same = shows_as(&label.waste_code, &c.waste_code)
            && shows_as(&label.category, &c.category)
            && c.name == label.name
            && c.producer == label.producer.credit_code.as_str()
            && shows_as(&label.generated_on, &c.generated_on)
            && c.quantity_milli == label.quantity.milli
            && c.unit == label.quantity.unit.symbol();
        if !same {
            altered(
                &mut out,
                id,
                Some(label.code.clone()),
                format!(
                    "container row {} differs from the label in its signed event",
                    c.code
                ),
            );
        }
    }
    out
}

/// Checks each kept scanned label: it reads, names its own row's container, was scanned for
/// a stored handover of that container, and, where the producer's key is known, carries a
/// valid signature — so a hand edit of the table (a changed weight, another code) is
/// reported, naming the handover.
fn audit_scanned(
    scanned: &[(LabelCode, EventId, String)],
    bodies: &HashMap<EventId, &EventBody>,
    known_keys: &[KnownKey],
) -> Vec<Failure> {
    let by_id = label_keys(known_keys);
    let mut out = Vec::new();
    for (code, event, payload) in scanned {
        let problem = match yima_core::LabelPayload::parse(payload) {
            Err(e) => Some(format!("kept label of {code} is unreadable: {e}")),
            Ok(p) if p.code() != code => Some(format!(
                "kept label row {code} holds the label of {}",
                p.code()
            )),
            Ok(p) => match bodies.get(event) {
                Some(b) if b.link(code).is_some() => match p.verify(|id| by_id.get(id).copied()) {
                    yima_core::LabelVerdict::Forged => {
                        Some(format!("kept label of {code} does not match its signature"))
                    }
                    _ => None,
                },
                _ => Some(format!(
                    "kept label of {code} names a handover that does not concern it"
                )),
            },
        };
        if let Some(detail) = problem {
            altered(&mut out, *event, Some(code.clone()), detail);
        }
    }
    out
}

impl<C: Clock> Device<C> {
    /// Verifies every stored event and row; with `code`, reports only what concerns that
    /// container's chain.
    pub fn verify(&mut self, code: Option<&LabelCode>) -> Result<VerifyResult, DeviceError> {
        self.store.read(|tx| {
            let device = tx.require_device()?;
            let mut rows = tx.all_event_rows()?;
            let mut failures = Vec::new();
            let mut raws = Vec::with_capacity(rows.len());
            for row in &mut rows {
                // The bytes move to the raw event: the audit reads only the other columns.
                let body = std::mem::take(&mut row.body);
                match row.to_raw() {
                    Ok(r) => raws.push(RawEvent {
                        canonical: body,
                        ..r
                    }),
                    Err(e) => failures.push(Failure {
                        event: EventId::of_canonical(&body),
                        container: None,
                        kind: FailureKind::Malformed,
                        detail: format!("stored row unreadable: {e}"),
                    }),
                }
            }
            let known_keys = tx.known_keys()?;
            let keys = device_key_dir(&known_keys);
            let me = device.key.public();
            let options = VerifyOptions {
                complete_devices: vec![me],
                unused_seqs: tx
                    .unaccepted_offer_seqs()?
                    .into_iter()
                    .map(|s| (me, s))
                    .collect(),
            };
            // The rows the audit compares are read, and the link rows grouped by event,
            // while the events are verified.
            let (report, link_rows, container_rows, grouped) = std::thread::scope(|scope| {
                let verifying = scope.spawn(|| verify(&raws, &keys, &options));
                let link_rows = tx.all_link_rows();
                let container_rows = tx.containers();
                let grouped = link_rows.as_ref().ok().map(|l| links_by_event(&rows, l));
                let report = verifying
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (report, link_rows, container_rows, grouped)
            });
            let (link_rows, container_rows) = (link_rows?, container_rows?);
            let grouped = grouped.unwrap_or_else(|| links_by_event(&rows, &link_rows));
            let yima_core::Report {
                events: report_events,
                containers: report_containers,
                failures: report_failures,
                statuses,
                after,
                bodies: decoded,
            } = report;
            // The event and link rows are audited on a second thread while this one
            // (which holds the database) audits the kept labels and the container rows;
            // what verification leaves that the audit does not need (the events' bytes, the
            // containers' statuses) is freed beside them. The scope joins every thread
            // before it ends, whichever way it ends.
            let (row_failures, other_failures) = std::thread::scope(|scope| {
                scope.spawn(move || drop((raws, statuses)));
                let auditing =
                    scope.spawn(|| audit_event_rows(&rows, &link_rows, grouped, &decoded, &after));
                let mut out = Vec::new();
                // The bodies verification decoded: every event whose bytes hash to its id
                // and decode canonically (not decoded a second time here).
                let bodies: HashMap<EventId, &EventBody> =
                    decoded.iter().map(|(id, b)| (*id, b)).collect();
                // A chain held from a handover taken over QR codes names a previous event
                // this device never had: not a failure while that container's history is
                // unsynced.
                let scanned = tx.scanned_labels()?;
                out.extend(audit_scanned(&scanned, &bodies, &known_keys));
                out.extend(audit_container_rows(&container_rows, &bodies));
                let rows = auditing
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                Ok::<_, DeviceError>((rows, (out, scanned)))
            })?;
            let (other_failures, scanned) = other_failures;
            failures.extend(other_failures);
            let partial: BTreeSet<(EventId, LabelCode)> =
                scanned.into_iter().map(|(c, e, _)| (e, c)).collect();
            let mut without_history = BTreeSet::new();
            for f in &report_failures {
                match &f.container {
                    Some(c)
                        if f.kind == FailureKind::BrokenLink
                            && partial.contains(&(f.event, c.clone())) =>
                    {
                        without_history.insert(c.clone());
                    }
                    _ => failures.push(f.clone()),
                }
            }
            failures.extend(row_failures);
            let (events, containers) = match code {
                None => (report_events, report_containers),
                Some(code) => {
                    let mine: BTreeSet<Vec<u8>> = tx
                        .container_event_rows(code)?
                        .into_iter()
                        .map(|r| r.id)
                        .collect();
                    if mine.is_empty() {
                        return Err(DeviceError::bilingual(
                            crate::ErrorKind::UnknownContainer,
                            format!("no record of container {code}"),
                            format!("没有容器 {code} 的记录"),
                        ));
                    }
                    failures.retain(|f| {
                        f.container.as_ref() == Some(code) || mine.contains(&f.event.as_bytes()[..])
                    });
                    without_history.retain(|c| c == code);
                    (mine.len(), 1)
                }
            };
            failures.sort_by(|a, b| {
                (a.event, &a.container, &a.detail).cmp(&(b.event, &b.container, &b.detail))
            });
            failures.dedup();
            Ok(VerifyResult {
                ok: failures.is_empty(),
                events,
                containers,
                failures,
                without_history: without_history.into_iter().collect(),
            })
        })
    }
}
