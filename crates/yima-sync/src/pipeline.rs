//! Pushes in flight: which events a batch carries, which earlier events it chains on, and
//! whether it may be sent while other pushes are still unanswered.

use std::collections::HashSet;
use yima_core::EventId;
use yima_protocol::{PushRequest, TrackFixes, WireEvent};

/// Pushes that may be unanswered at once.
pub(crate) const IN_FLIGHT: usize = 2;

/// One batch of the outbox, ready to send.
pub(crate) struct Batch {
    /// The outbox position of its last event (the next batch starts after it).
    pub after: i64,
    /// The push request's body.
    pub body: Vec<u8>,
    /// The events it carries.
    pub ids: HashSet<EventId>,
    /// The earlier events its events name as `prev`, outside the batch itself.
    pub prevs: Vec<EventId>,
}

impl Batch {
    /// A batch of outbox rows `(position, event)`, in outbox order; `None` when empty.
    pub fn new(rows: Vec<(i64, WireEvent)>, tracks: Vec<TrackFixes>) -> Option<Batch> {
        let after = rows.last()?.0;
        let mut ids = HashSet::with_capacity(rows.len());
        let mut prevs = Vec::new();
        let events: Vec<WireEvent> = rows
            .into_iter()
            .map(|(_, e)| {
                for prev in prevs_named(&e.body) {
                    if !ids.contains(&prev) {
                        prevs.push(prev);
                    }
                }
                ids.insert(e.id);
                e
            })
            .collect();
        let body = serde_json::to_vec(&PushRequest { events, tracks }).expect("serialisable");
        Some(Batch {
            after,
            body,
            ids,
            prevs,
        })
    }

    /// Whether one of its events chains on an event of `other` (so it must wait for
    /// `other`'s answer: sent before that, the registry would defer it).
    pub fn chains_on(&self, other: &HashSet<EventId>) -> bool {
        self.prevs.iter().any(|p| other.contains(p))
    }
}

/// The ids a canonical event body names as `prev` (its links' previous events). In the
/// canonical encoding a string's quotes are always escaped, so `"prev":"` only occurs as
/// a key; anything that does not parse as an id is skipped (the registry judges it).
pub(crate) fn prevs_named(body: &str) -> impl Iterator<Item = EventId> + '_ {
    const KEY: &str = "\"prev\":\"";
    body.match_indices(KEY).filter_map(move |(at, _)| {
        let start = at + KEY.len();
        body.get(start..start + 64)?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prevs_are_read_from_links_and_null_is_skipped() {
        let a = "ab".repeat(32);
        let b = "0c".repeat(32);
        let body = format!(
            r#"{{"kind":"x","links":[{{"container":"C1","prev":"{a}"}},{{"container":"C2","prev":null}},{{"container":"C3","prev":"{b}"}}],"note":"\"prev\":\"{a}"}}"#
        );
        let found: Vec<String> = prevs_named(&body).map(|p| p.to_string()).collect();
        // The escaped `\"prev\":\"` inside "note" is text, not a key.
        assert_eq!(found, vec![a, b]);
    }

    #[test]
    fn a_batch_chains_only_on_prevs_outside_itself() {
        let first = EventId([1; 32]);
        let second = EventId([2; 32]);
        let rows = vec![
            (
                1,
                WireEvent {
                    id: second,
                    body: format!(r#"{{"links":[{{"prev":"{first}"}}]}}"#),
                    signatures: vec![],
                },
            ),
            (
                2,
                WireEvent {
                    id: EventId([3; 32]),
                    body: format!(r#"{{"links":[{{"prev":"{second}"}}]}}"#),
                    signatures: vec![],
                },
            ),
        ];
        let batch = Batch::new(rows, Vec::new()).unwrap();
        assert_eq!(batch.after, 2);
        assert_eq!(batch.prevs, vec![first]);
        assert!(batch.chains_on(&HashSet::from([first])));
        assert!(!batch.chains_on(&HashSet::from([second])));
        assert!(Batch::new(Vec::new(), Vec::new()).is_none());
    }
}
