//! What an event says about its signers, checked against the key directory: who must sign
//! and did, each key known and used for the organisation and role it is registered to, not
//! revoked; the composer one of the signers; the links in order.

use super::{fail, Failure, FailureKind, KeyDirectory};
use crate::event::{Actor, EventBody};
use crate::model::Timestamp;
use crate::signing::{EventId, Signature};

fn check_actor(
    out: &mut Vec<Failure>,
    id: EventId,
    actor: &Actor,
    at: Timestamp,
    keys: &KeyDirectory,
    what: &str,
) -> bool {
    let problem = match keys.get(&actor.key) {
        None => Some((
            FailureKind::UnknownKey,
            format!("{what} key {} is not known", actor.key.short()),
        )),
        Some(entry) if entry.org != actor.org || !entry.roles.contains(&actor.role) => Some((
            FailureKind::KeyMisuse,
            format!(
                "{what} key {} belongs to {} as {:?}, but the event names {} as {}",
                actor.key.short(),
                entry.org,
                entry.roles,
                actor.org,
                actor.role
            ),
        )),
        Some(entry) => entry.revoked_at.filter(|r| at >= *r).map(|r| {
            (
                FailureKind::KeyMisuse,
                format!(
                    "{what} key {} was revoked at {r}, before this event at {at}",
                    actor.key.short()
                ),
            )
        }),
    };
    match problem {
        Some((kind, detail)) => {
            fail(out, id, None, kind, detail);
            false
        }
        None => true,
    }
}

/// Checks what one decoded event says about its signers: who must sign and did, keys known
/// and used as registered, the composer one of them, links sorted, the operator one plain
/// line. Whether the signatures
/// themselves verify is checked in batches beside this.
pub(super) fn check_signers(
    out: &mut Vec<Failure>,
    id: EventId,
    body: &EventBody,
    signatures: &[Signature],
    keys: &KeyDirectory,
) -> bool {
    let mut trusted = true;
    let required = body.required_signers();
    for k in &required {
        if !signatures.iter().any(|s| &s.key == k) {
            fail(
                out,
                id,
                None,
                FailureKind::MissingSignature,
                format!("no signature by key {}", k.short()),
            );
            trusted = false;
        }
    }
    for s in signatures {
        if !required.contains(&s.key) {
            fail(
                out,
                id,
                None,
                FailureKind::BadSignature,
                format!(
                    "signature by key {}, which is no party to the event",
                    s.key.short()
                ),
            );
            trusted = false;
        }
    }
    // Keys: known, of the named organisation and role, not revoked.
    if !check_actor(out, id, &body.by, body.at, keys, "recorder") {
        trusted = false;
    }
    if let Some(g) = body.event.giver() {
        if !check_actor(out, id, g, body.at, keys, "giver") {
            trusted = false;
        }
    }
    if !required.contains(&body.composer) {
        fail(
            out,
            id,
            None,
            FailureKind::Malformed,
            "composed by a device that is no party to the event".into(),
        );
        trusted = false;
    }
    if let Err(e) = crate::event::check_operator(body.operator.as_deref()) {
        fail(out, id, None, FailureKind::Malformed, e.to_string());
        trusted = false;
    }
    let sorted = body
        .links
        .windows(2)
        .all(|w| w[0].container < w[1].container);
    if body.links.is_empty() || !sorted {
        fail(
            out,
            id,
            None,
            FailureKind::Malformed,
            "links must be non-empty, sorted and unique".into(),
        );
        trusted = false;
    }
    trusted
}
