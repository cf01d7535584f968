//! Device counters, and each container's chain followed from its start with every rule of
//! custody applied: broken links, forks, forbidden steps.

use super::{fail, Checked, Failure, FailureKind, VerifyOptions};
use crate::custody::{apply_mut, ContainerStatus};
use crate::model::Timestamp;
use crate::signing::EventId;
use crate::state::ContainerState;
use std::collections::{BTreeMap, HashMap};
use yima_codes::{CreditCode, LabelCode};

/// Counters of the devices whose every event is present: 1, 2, 3… without gap or repeat,
/// except values declared unused.
pub(super) fn counters(checked: &[Checked], options: &VerifyOptions, out: &mut Vec<Failure>) {
    for key in &options.complete_devices {
        let mut list: Vec<(u64, EventId)> = checked
            .iter()
            .filter(|c| &c.body.composer == key)
            .map(|c| (c.body.seq, c.id))
            .collect();
        list.sort_unstable();
        let mut unused: Vec<u64> = options
            .unused_seqs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, s)| *s)
            .collect();
        unused.sort_unstable();
        let mut unused = unused.into_iter().peekable();
        let mut expect = 1;
        for (seq, id) in list {
            while unused.next_if_eq(&expect).is_some() {
                expect += 1;
            }
            if seq != expect {
                let detail = if seq < expect {
                    format!("device counter {seq} is used twice")
                } else {
                    format!(
                        "device counter jumps from {} to {seq}: {} event(s) missing",
                        expect - 1,
                        seq - expect
                    )
                };
                fail(out, id, None, FailureKind::SequenceGap, detail);
            }
            expect = seq + 1;
        }
    }
}

/// What following the chains gives.
#[derive(Default)]
pub(super) struct Chains {
    /// Broken links, forks and forbidden steps.
    pub(super) failures: Vec<Failure>,
    /// Containers examined.
    pub(super) containers: usize,
    /// The status of each container whose chain could be followed.
    pub(super) statuses: BTreeMap<LabelCode, ContainerStatus>,
    /// State and holder each event left each container in.
    pub(super) after: HashMap<(EventId, LabelCode), (ContainerState, CreditCode)>,
}

/// An event of a container whose previous event is present (or that begins it), as
/// (previous event, untrusted, time, id, index): sorted, the events that follow one event
/// lie together, the one on the main line first.
type Entry = (Option<EventId>, bool, Timestamp, EventId, usize);

/// Follows every container's chain through `checked`; only trusted events are applied.
pub(super) fn follow(checked: &[Checked]) -> Chains {
    let by_id: HashMap<EventId, usize> =
        checked.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    // Every (container, event) pair, grouped by container; events keep their order.
    let mut pairs: Vec<(&LabelCode, usize)> = checked
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.body.links.iter().map(move |l| (&l.container, i)))
        .collect();
    pairs.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    let mut out = Chains {
        after: HashMap::with_capacity(pairs.len()),
        ..Chains::default()
    };
    // Containers come in code order: their statuses are collected in a list, from which
    // the map is built in one pass rather than by inserts that move statuses around.
    let mut statuses = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for group in pairs.chunk_by(|a, b| a.0 == b.0) {
        let container = group[0].0;
        out.containers += 1;
        entries.clear();
        for &(_, i) in group {
            let c = &checked[i];
            let link = c.body.link(container).expect("grouped by link");
            if let Some(p) = link.prev {
                let present = by_id
                    .get(&p)
                    .is_some_and(|&j| checked[j].body.link(container).is_some());
                if !present {
                    fail(
                        &mut out.failures,
                        c.id,
                        Some(container),
                        FailureKind::BrokenLink,
                        format!("previous event {} of this container is missing", p.short()),
                    );
                    continue;
                }
            }
            // Trusted events first: anyone can compute an id, so an unsigned sibling with
            // an earlier `at` must not push the signed event off the main line.
            entries.push((link.prev, !c.trusted, c.body.at, c.id, i));
        }
        entries.sort_unstable();
        if let Some(status) = follow_one(checked, container, &entries, &mut out) {
            statuses.push((container.clone(), status));
        }
    }
    out.statuses = statuses.into_iter().collect();
    out
}

/// Walks one container's main line from its start; later siblings are forks. Gives the
/// container's status, if its chain could be followed.
fn follow_one(
    checked: &[Checked],
    container: &LabelCode,
    entries: &[Entry],
    out: &mut Chains,
) -> Option<ContainerStatus> {
    let mut status: Option<ContainerStatus> = None;
    let mut cursor: Option<EventId> = None;
    loop {
        let start = entries.partition_point(|e| e.0 < cursor);
        let end = start + entries[start..].partition_point(|e| e.0 == cursor);
        let Some((first, others)) = entries[start..end].split_first() else {
            break;
        };
        let c = &checked[first.4];
        for other in others {
            fail(
                &mut out.failures,
                other.3,
                Some(container),
                FailureKind::Fork,
                format!(
                    "forks the chain: event {} already follows {}",
                    c.id.short(),
                    cursor.map_or("the start".to_string(), |p| p.short())
                ),
            );
        }
        if c.trusted {
            match apply_mut(&mut status, c.id, &c.body, container) {
                Ok(()) => {
                    let s = status.as_ref().expect("applied");
                    out.after
                        .insert((c.id, container.clone()), (s.state, s.holder.clone()));
                }
                Err(e) => fail(
                    &mut out.failures,
                    c.id,
                    Some(container),
                    FailureKind::ForbiddenTransition,
                    e.to_string(),
                ),
            }
        }
        cursor = Some(c.id);
    }
    status
}
