//! The pure decision on route fixes pushed beside events (`PushRequest::tracks`): kept only
//! for an event of the same push that was accepted (or already held), that signs a track,
//! that the pusher's organisation gave as the carrier, and whose digest they hash to.
//! Anything else is refused with nothing of it stored.

use crate::store::TrackRecord;
use std::collections::{HashMap, HashSet};
use yima_codes::CreditCode;
use yima_core::{Actor, EventId, Role, TrackDigest};
use yima_protocol::{PushOutcome, PushResult, RefusalKind, TrackFixes, TrackResult};

/// What a pushed event's body says of its track: the signed digest and the giver.
pub(crate) type Signed = HashMap<EventId, (Option<TrackDigest>, Option<Actor>)>;

fn refuse(event: EventId, kind: RefusalKind, reason: String) -> TrackResult {
    TrackResult {
        event,
        stored: false,
        refusal: Some(kind),
        reason: Some(reason),
    }
}

/// One result per pushed track, in order, and the records to keep.
pub(crate) fn decide_tracks(
    pusher_org: &CreditCode,
    pushed: Vec<TrackFixes>,
    signed: &Signed,
    results: &[PushResult],
) -> (Vec<TrackResult>, Vec<TrackRecord>) {
    let outcomes: HashMap<EventId, PushOutcome> =
        results.iter().map(|r| (r.id, r.outcome)).collect();
    let mut seen = HashSet::new();
    let mut answers = Vec::with_capacity(pushed.len());
    let mut keep = Vec::new();
    for t in pushed {
        let id = t.event;
        if !seen.insert(id) {
            answers.push(refuse(
                id,
                RefusalKind::Track,
                "fixes pushed twice for one event".into(),
            ));
            continue;
        }
        match outcomes.get(&id) {
            Some(PushOutcome::Accepted | PushOutcome::Duplicate) => {}
            _ => {
                answers.push(refuse(
                    id,
                    RefusalKind::Track,
                    "the fixes' event is not in this push or was not accepted".into(),
                ));
                continue;
            }
        }
        let Some((Some(track), Some(giver))) = signed.get(&id) else {
            answers.push(refuse(
                id,
                RefusalKind::Track,
                "the event signs no route track".into(),
            ));
            continue;
        };
        if giver.role != Role::Carrier || &giver.org != pusher_org {
            answers.push(refuse(
                id,
                RefusalKind::Scope,
                format!(
                    "only the carrier giving the event ({}) sends its route, not {pusher_org}",
                    giver.org
                ),
            ));
            continue;
        }
        if !track.matches(&t.fixes) {
            answers.push(refuse(
                id,
                RefusalKind::Track,
                "the fixes do not hash to the track the event signs".into(),
            ));
            continue;
        }
        answers.push(TrackResult {
            event: id,
            stored: true,
            refusal: None,
            reason: None,
        });
        keep.push(TrackRecord {
            event_id: id,
            recorder: giver.org.clone(),
            fixes: t.fixes,
        });
    }
    (answers, keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yima_core::{track_digest, Fix, PublicKey, Timestamp};

    fn org(c: &str) -> CreditCode {
        CreditCode::with_check(c).unwrap()
    }

    fn fixes() -> Vec<Fix> {
        (1..4)
            .map(|i| Fix {
                at: Timestamp(i),
                lat_e7: i as i32,
                lon_e7: 0,
                accuracy_m: None,
            })
            .collect()
    }

    #[test]
    fn only_the_giving_carriers_matching_fixes_of_an_accepted_event_are_kept() {
        let carrier = org("91350100M00020000");
        let other = org("91350100M00030000");
        let e = EventId([1; 32]);
        let giver = Actor {
            org: carrier.clone(),
            role: Role::Carrier,
            key: PublicKey([2; 32]),
        };
        let signed: Signed = [(e, (Some(track_digest(&fixes())), Some(giver)))].into();
        let accepted = [PushResult {
            id: e,
            outcome: PushOutcome::Accepted,
            reason: None,
            refusal: None,
        }];
        let push = |f: Vec<Fix>| vec![TrackFixes { event: e, fixes: f }];
        let (a, k) = decide_tracks(&carrier, push(fixes()), &signed, &accepted);
        assert!(a[0].stored && k.len() == 1);
        let mut altered = fixes();
        altered[1].lat_e7 += 1;
        let (a, k) = decide_tracks(&carrier, push(altered), &signed, &accepted);
        assert_eq!(
            (a[0].stored, a[0].refusal, k.len()),
            (false, Some(RefusalKind::Track), 0)
        );
        let (a, k) = decide_tracks(&other, push(fixes()), &signed, &accepted);
        assert_eq!(
            (a[0].stored, a[0].refusal, k.len()),
            (false, Some(RefusalKind::Scope), 0)
        );
        let refused = [PushResult {
            outcome: PushOutcome::Refused,
            ..accepted[0].clone()
        }];
        let (a, k) = decide_tracks(&carrier, push(fixes()), &signed, &refused);
        assert_eq!(
            (a[0].stored, a[0].refusal, k.len()),
            (false, Some(RefusalKind::Track), 0)
        );
    }
}
