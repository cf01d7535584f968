//! What the registry decides about one pushed event, given what it already holds: pure, so
//! both storage backends decide the same way (and tests need no database).

use std::collections::BTreeMap;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{
    apply, check_balance, check_intake, check_operator, check_shape, ContainerStatus, EventId,
    EventKind, PublicKey, Role, SignedEvent, Timestamp,
};
use yima_protocol::DeviceInfo as KeyRecord;
use yima_protocol::RefusalKind as R;

/// How far in the future (by the registry clock) an event's time may be: 10 minutes.
pub const MAX_FUTURE_MS: i64 = 10 * 60 * 1000;

/// The registry's decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Store it and move each container on.
    Accept {
        /// Each container's status after the event.
        after: Vec<(LabelCode, ContainerStatus)>,
    },
    /// Store it, flagged: another event already follows the same previous event.
    Fork {
        /// For each forked container, the event already holding the place.
        conflicts: Vec<(LabelCode, EventId)>,
    },
    /// Keep it only as refused, with the kind of rule it broke and the reason.
    Refuse(R, String),
    /// Do not store it yet: a previous event or a key is not known yet.
    Defer(String),
}

/// Organisations that may see a container after `event`: its recorder, the giver of a
/// handover, and the carrier and receiver named on a dispatch's manifest.
pub fn parties(event: &SignedEvent) -> Vec<CreditCode> {
    let mut out = vec![event.body.by.org.clone()];
    if let Some(g) = event.body.event.giver() {
        out.push(g.org.clone());
    }
    if let EventKind::Dispatched { manifest, .. } = &event.body.event {
        out.push(manifest.carrier.credit_code.clone());
        out.push(manifest.receiver.credit_code.clone());
    }
    out.sort();
    out.dedup();
    out
}

fn check_key(
    keys: &impl Fn(&PublicKey) -> Option<KeyRecord>,
    key: &PublicKey,
    org: &CreditCode,
    role: yima_core::Role,
    at: Timestamp,
    who: &str,
) -> Result<(), Decision> {
    let Some(k) = keys(key) else {
        return Err(Decision::Defer(format!(
            "{who} key {} is not enrolled (yet)",
            key.short()
        )));
    };
    if &k.org != org || k.role != role {
        return Err(Decision::Refuse(
            R::Key,
            format!(
                "{who} key {} belongs to {} as {}, not {org} as {role}",
                key.short(),
                k.org,
                k.role
            ),
        ));
    }
    if let Some(r) = k.revoked_at {
        if at >= r {
            return Err(Decision::Refuse(
                R::Revoked,
                format!(
                    "{who} key {} was revoked at {r}; the event is dated {at}",
                    key.short()
                ),
            ));
        }
    }
    Ok(())
}

/// Decides about `event`, pushed by `pusher` at `now`, given the chains of the containers it
/// links (`None`: the registry has no such container) and the key directory. With
/// `signatures_checked`, the caller has already batch-verified every signature.
pub fn decide(
    event: &SignedEvent,
    pusher: &PublicKey,
    now: Timestamp,
    signatures_checked: bool,
    chains: &BTreeMap<LabelCode, Option<ContainerStatus>>,
    keys: impl Fn(&PublicKey) -> Option<KeyRecord>,
) -> Decision {
    let body = &event.body;
    if !event.signatures.iter().any(|s| &s.key == pusher) {
        return Decision::Refuse(
            R::Signature,
            "the pushing device did not sign this event".into(),
        );
    }
    let required = body.required_signers();
    for k in &required {
        match event.signatures.iter().find(|s| &s.key == k) {
            Some(s) if signatures_checked || k.verify(&event.id, &s.sig) => {}
            Some(_) => {
                return Decision::Refuse(
                    R::Signature,
                    format!("signature by key {} does not verify", k.short()),
                )
            }
            None => {
                return Decision::Refuse(R::Signature, format!("no signature by key {}", k.short()))
            }
        }
    }
    if event.signatures.iter().any(|s| !required.contains(&s.key)) {
        return Decision::Refuse(
            R::Signature,
            "signed by a key that is no party to the event".into(),
        );
    }
    if !required.contains(&body.composer) {
        return Decision::Refuse(
            R::Signature,
            "composed by a device that is no party to the event".into(),
        );
    }
    if body.at.0 > now.0 + MAX_FUTURE_MS {
        return Decision::Refuse(
            R::Future,
            format!("the event is dated {}, in the future", body.at),
        );
    }
    if body.links.is_empty()
        || !body
            .links
            .windows(2)
            .all(|w| w[0].container < w[1].container)
    {
        return Decision::Refuse(
            R::Malformed,
            "links must be non-empty, sorted and unique".into(),
        );
    }
    // Checked here, not only by custody: a fork is stored without being applied.
    if let Err(e) = check_operator(body.operator.as_deref()) {
        return Decision::Refuse(R::Malformed, e.to_string());
    }
    // Checked here, not left to the state table: a fork is stored without being applied.
    if body.by.role == Role::Regulator
        || body
            .event
            .giver()
            .is_some_and(|g| g.role == Role::Regulator)
    {
        return Decision::Refuse(
            R::Regulator,
            "regulators see everything in their jurisdiction and record nothing".into(),
        );
    }
    if let Err(d) = check_key(
        &keys,
        &body.by.key,
        &body.by.org,
        body.by.role,
        body.at,
        "recorder",
    ) {
        return d;
    }
    if let Some(g) = body.event.giver() {
        if let Err(d) = check_key(&keys, &g.key, &g.org, g.role, body.at, "giver") {
            return d;
        }
    }

    // Checked before a fork can be stored unapplied: what the event says of the containers
    // it begins (every source and output linked, new labels as a generated one's).
    if matches!(
        body.event,
        EventKind::Generated { .. } | EventKind::Merged { .. } | EventKind::Split { .. }
    ) {
        if let Err(e) = check_shape(body) {
            return Decision::Refuse(R::Lineage, e.to_string());
        }
    }

    // A fork is stored without being applied (the chain has moved on from its place), so
    // scope is checked here: the organisation acting on the container (the giver of a
    // handover, else the recorder) must be one that recorded in its chain. Whoever held the
    // container at the forked place did.
    let actor = body.event.giver().map_or(&body.by.org, |g| &g.org);
    let mut conflicts = Vec::new();
    let mut fork = |code: &LabelCode, c: &ContainerStatus, rival: EventId| {
        if c.parties.contains(actor) {
            conflicts.push((code.clone(), rival));
            Ok(())
        } else {
            Err(Decision::Refuse(
                R::Scope,
                format!("{actor} is no party to container {code}: it may not fork its chain"),
            ))
        }
    };
    for link in &body.links {
        let chain = chains.get(&link.container).and_then(|c| c.as_ref());
        let forked = match (link.prev, chain) {
            (None, None) => Ok(()),
            (None, Some(c)) => fork(&link.container, c, c.chain[0]),
            (Some(p), None) => {
                return Decision::Defer(format!(
                    "the previous event {} of container {} is not at the registry yet",
                    p.short(),
                    link.container
                ))
            }
            (Some(p), Some(c)) if c.head == p => Ok(()),
            (Some(p), Some(c)) => match c.chain.iter().position(|e| *e == p) {
                Some(i) => fork(&link.container, c, c.chain[i + 1]),
                None => {
                    return Decision::Defer(format!(
                        "the previous event {} of container {} is not at the registry yet",
                        p.short(),
                        link.container
                    ))
                }
            },
        };
        if let Err(d) = forked {
            return d;
        }
    }
    if !conflicts.is_empty() {
        return Decision::Fork { conflicts };
    }
    if let Err(e) = check_balance(body, |c| chains.get(c).and_then(|s| s.as_ref())) {
        return Decision::Refuse(R::Balance, e.to_string());
    }
    let mut after = Vec::new();
    for link in &body.links {
        let before = chains.get(&link.container).and_then(|c| c.as_ref());
        match apply(before, event.id, body, &link.container) {
            Ok(s) => after.push((link.container.clone(), s)),
            Err(e) => return Decision::Refuse(R::Custody, e.to_string()),
        }
    }
    if let Err(e) = check_intake(body, |c| chains.get(c).and_then(|s| s.as_ref())) {
        return Decision::Refuse(R::Balance, e.to_string());
    }
    Decision::Accept { after }
}
