//! Verification of a set of stored events: ids, signatures, keys, per-device counters,
//! per-container chains (links and forks) and the rules of custody. It reports exactly which
//! event fails and why, and never stops at the first failure.

use crate::custody::{apply_mut, ContainerStatus};
use crate::encoding::decode;
use crate::event::{Actor, EventBody, SignedEvent};
use crate::model::Timestamp;
use crate::role::Role;
use crate::signing::{EventId, PublicKey, Signature, SIGNATURE_DOMAIN};
use crate::state::ContainerState;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use yima_codes::{CreditCode, LabelCode};

/// An event as stored: its claimed id, bytes and signatures, not yet trusted.
#[derive(Clone, Debug)]
pub struct RawEvent {
    /// The id the store claims for it.
    pub id: EventId,
    /// The bytes the store holds.
    pub canonical: Vec<u8>,
    /// The signatures the store holds.
    pub signatures: Vec<Signature>,
}

impl From<&SignedEvent> for RawEvent {
    fn from(e: &SignedEvent) -> RawEvent {
        RawEvent {
            id: e.id,
            canonical: e.canonical.clone(),
            signatures: e.signatures.clone(),
        }
    }
}

/// What the verifier knows about a device key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEntry {
    /// The organisation the device belongs to.
    pub org: CreditCode,
    /// The roles the organisation may act in.
    pub roles: Vec<Role>,
    /// When the key was revoked; events at or after this moment are refused.
    pub revoked_at: Option<Timestamp>,
}

/// The public keys the verifier trusts.
#[derive(Clone, Debug, Default)]
pub struct KeyDirectory {
    keys: HashMap<PublicKey, KeyEntry>,
}

impl KeyDirectory {
    /// An empty directory.
    pub fn new() -> KeyDirectory {
        KeyDirectory::default()
    }

    /// Adds or replaces a key.
    pub fn insert(&mut self, key: PublicKey, entry: KeyEntry) {
        self.keys.insert(key, entry);
    }

    /// Looks a key up.
    pub fn get(&self, key: &PublicKey) -> Option<&KeyEntry> {
        self.keys.get(key)
    }
}

/// Why an event fails verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The stored bytes do not hash to the stored id: the content was altered.
    IdMismatch,
    /// The stored bytes are not a canonical event body.
    Malformed,
    /// A signature does not verify.
    BadSignature,
    /// A party that must sign (recorder, or giver in a handover) did not.
    MissingSignature,
    /// A signing key the verifier does not know.
    UnknownKey,
    /// A key used at or after its revocation, or for another organisation or role.
    KeyMisuse,
    /// The previous event named is missing.
    BrokenLink,
    /// A second event claims the same place in a container's chain.
    Fork,
    /// The state table or a custody rule forbids this step here.
    ForbiddenTransition,
    /// A device's counter skips: an event it recorded is missing.
    SequenceGap,
}

impl FailureKind {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::IdMismatch => "id_mismatch",
            FailureKind::Malformed => "malformed",
            FailureKind::BadSignature => "bad_signature",
            FailureKind::MissingSignature => "missing_signature",
            FailureKind::UnknownKey => "unknown_key",
            FailureKind::KeyMisuse => "key_misuse",
            FailureKind::BrokenLink => "broken_link",
            FailureKind::Fork => "fork",
            FailureKind::ForbiddenTransition => "forbidden_transition",
            FailureKind::SequenceGap => "sequence_gap",
        }
    }
}

/// One failure: which event, for which container, what kind, and the detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The event that fails.
    pub event: EventId,
    /// The container whose chain it fails in, when the failure is about a chain.
    pub container: Option<LabelCode>,
    /// The kind of failure.
    pub kind: FailureKind,
    /// A sentence for people.
    pub detail: String,
}

/// The result of verifying a set of events.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Events examined.
    pub events: usize,
    /// Container chains examined.
    pub containers: usize,
    /// Everything that failed, in a stable order.
    pub failures: Vec<Failure>,
    /// The status of each container whose chain could be followed.
    #[serde(skip)]
    pub statuses: BTreeMap<LabelCode, ContainerStatus>,
    /// State and holder each event left each container in, along the followed chains.
    #[serde(skip)]
    pub after: HashMap<(EventId, LabelCode), (ContainerState, CreditCode)>,
    /// The body of every event whose bytes hash to its id and decode canonically, in the
    /// order given: so that a caller auditing more (the device's index columns) need not
    /// decode every event a second time.
    #[serde(skip)]
    pub bodies: Vec<(EventId, EventBody)>,
}

impl Report {
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Options for [`verify`].
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// Devices whose every event is in the set (the device's own key): their counters must
    /// run 1, 2, 3… without a gap.
    pub complete_devices: Vec<PublicKey>,
    /// Counter values a complete device used for handover offers never accepted.
    pub unused_seqs: Vec<(PublicKey, u64)>,
}

struct Checked {
    event: SignedEvent,
    trusted: bool,
}

fn fail(
    out: &mut Vec<Failure>,
    event: EventId,
    container: Option<&LabelCode>,
    kind: FailureKind,
    detail: String,
) {
    out.push(Failure {
        event,
        container: container.cloned(),
        kind,
        detail,
    });
}

fn check_actor(
    out: &mut Vec<Failure>,
    id: EventId,
    actor: &Actor,
    at: Timestamp,
    keys: &KeyDirectory,
    what: &str,
) -> bool {
    let Some(entry) = keys.get(&actor.key) else {
        fail(
            out,
            id,
            None,
            FailureKind::UnknownKey,
            format!("{what} key {} is not known", actor.key.short()),
        );
        return false;
    };
    if entry.org != actor.org || !entry.roles.contains(&actor.role) {
        fail(
            out,
            id,
            None,
            FailureKind::KeyMisuse,
            format!(
                "{what} key {} belongs to {} as {:?}, but the event names {} as {}",
                actor.key.short(),
                entry.org,
                entry.roles,
                actor.org,
                actor.role
            ),
        );
        return false;
    }
    if let Some(r) = entry.revoked_at {
        if at >= r {
            fail(
                out,
                id,
                None,
                FailureKind::KeyMisuse,
                format!(
                    "{what} key {} was revoked at {r}, before this event at {at}",
                    actor.key.short()
                ),
            );
            return false;
        }
    }
    true
}

/// The message a signature signs: the domain separator and the event id (as in `signing`).
const SIGNED_LEN: usize = SIGNATURE_DOMAIN.len() + 32;

/// [`crate::verify_batch`], with each distinct key decompressed once instead of once per
/// signature: a device's events all carry its key, and decompressing an Ed25519 point costs
/// about half as much as verifying one signature in a batch. Same answer: `false` if any
/// signature fails or any key is not a curve point.
fn batch_verifies(items: &[(EventId, Signature)]) -> bool {
    let mut points: HashMap<PublicKey, Option<VerifyingKey>> = HashMap::new();
    let mut keys = Vec::with_capacity(items.len());
    for (_, s) in items {
        let point = *points
            .entry(s.key)
            .or_insert_with(|| VerifyingKey::from_bytes(s.key.as_bytes()).ok());
        match point {
            Some(k) => keys.push(k),
            None => return false,
        }
    }
    let messages: Vec<[u8; SIGNED_LEN]> = items
        .iter()
        .map(|(id, _)| {
            let mut m = [0u8; SIGNED_LEN];
            m[..SIGNATURE_DOMAIN.len()].copy_from_slice(SIGNATURE_DOMAIN);
            m[SIGNATURE_DOMAIN.len()..].copy_from_slice(id.as_bytes());
            m
        })
        .collect();
    let messages: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let sigs: Vec<ed25519_dalek::Signature> = items
        .iter()
        .map(|(_, s)| ed25519_dalek::Signature::from_bytes(s.sig.as_bytes()))
        .collect();
    ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()
}

/// From this many events on, signatures are checked on a second thread.
const PARALLEL_FROM: usize = 64;

/// Verifies `events` against `keys`.
pub fn verify(events: &[RawEvent], keys: &KeyDirectory, options: &VerifyOptions) -> Report {
    let mut failures = Vec::new();
    let mut checked: Vec<Checked> = Vec::with_capacity(events.len());

    // 1 and 2 side by side: one core checks every signature in one batch (against the ids
    // the events claim) while the other hashes and decodes the bodies. A batch that passes
    // vouches for every signature; one that fails is retried one by one below.
    let pairs: Vec<(EventId, Signature)> = events
        .iter()
        .flat_map(|r| r.signatures.iter().map(move |s| (r.id, *s)))
        .collect();
    let contents = |failures: &mut Vec<Failure>, checked: &mut Vec<Checked>| {
        for raw in events {
            let actual = EventId::of_canonical(&raw.canonical);
            if actual != raw.id {
                fail(
                    failures,
                    raw.id,
                    None,
                    FailureKind::IdMismatch,
                    format!(
                        "content does not match its id (it hashes to {})",
                        actual.short()
                    ),
                );
                continue;
            }
            match decode(&raw.canonical) {
                Ok(body) => checked.push(Checked {
                    // The bytes are not looked at again: not copied.
                    event: SignedEvent {
                        id: raw.id,
                        canonical: Vec::new(),
                        body,
                        signatures: raw.signatures.clone(),
                    },
                    trusted: true,
                }),
                Err(e) => fail(
                    failures,
                    raw.id,
                    None,
                    FailureKind::Malformed,
                    e.to_string(),
                ),
            }
        }
    };
    let all_good = if events.len() >= PARALLEL_FROM {
        std::thread::scope(|scope| {
            let signatures = scope.spawn(|| pairs.is_empty() || batch_verifies(&pairs));
            contents(&mut failures, &mut checked);
            signatures.join().unwrap_or(false)
        })
    } else {
        contents(&mut failures, &mut checked);
        pairs.is_empty() || batch_verifies(&pairs)
    };
    for c in &mut checked {
        let e = &c.event;
        if !all_good {
            for s in &e.signatures {
                if !s.key.verify(&e.id, &s.sig) {
                    fail(
                        &mut failures,
                        e.id,
                        None,
                        FailureKind::BadSignature,
                        format!("signature by key {} does not verify", s.key.short()),
                    );
                    c.trusted = false;
                }
            }
        }
        let required = e.body.required_signers();
        for k in &required {
            if !e.signatures.iter().any(|s| &s.key == k) {
                fail(
                    &mut failures,
                    e.id,
                    None,
                    FailureKind::MissingSignature,
                    format!("no signature by key {}", k.short()),
                );
                c.trusted = false;
            }
        }
        for s in &e.signatures {
            if !required.contains(&s.key) {
                fail(
                    &mut failures,
                    e.id,
                    None,
                    FailureKind::BadSignature,
                    format!(
                        "signature by key {}, which is no party to the event",
                        s.key.short()
                    ),
                );
                c.trusted = false;
            }
        }
        // 3. Keys: known, of the named organisation and role, not revoked.
        if !check_actor(&mut failures, e.id, &e.body.by, e.body.at, keys, "recorder") {
            c.trusted = false;
        }
        if let Some(g) = e.body.event.giver() {
            if !check_actor(&mut failures, e.id, g, e.body.at, keys, "giver") {
                c.trusted = false;
            }
        }
        if !required.contains(&e.body.composer) {
            fail(
                &mut failures,
                e.id,
                None,
                FailureKind::Malformed,
                "composed by a device that is no party to the event".into(),
            );
            c.trusted = false;
        }
        let sorted = e
            .body
            .links
            .windows(2)
            .all(|w| w[0].container < w[1].container);
        if e.body.links.is_empty() || !sorted {
            fail(
                &mut failures,
                e.id,
                None,
                FailureKind::Malformed,
                "links must be non-empty, sorted and unique".into(),
            );
            c.trusted = false;
        }
    }

    // 4. Device counters.
    let mut seqs: HashMap<PublicKey, Vec<(u64, EventId)>> = HashMap::new();
    for c in &checked {
        seqs.entry(c.event.body.composer)
            .or_default()
            .push((c.event.body.seq, c.event.id));
    }
    for key in &options.complete_devices {
        let mut list = seqs.remove(key).unwrap_or_default();
        list.sort();
        let mut unused: Vec<u64> = options
            .unused_seqs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, s)| *s)
            .collect();
        unused.sort();
        let mut expect = 1;
        for (seq, id) in list {
            while unused.first().is_some_and(|&u| u == expect) {
                unused.remove(0);
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
                fail(&mut failures, id, None, FailureKind::SequenceGap, detail);
            }
            expect = seq + 1;
        }
    }

    // 5. Chains, container by container.
    let by_id: HashMap<EventId, usize> = checked
        .iter()
        .enumerate()
        .map(|(i, c)| (c.event.id, i))
        .collect();
    let mut per_container: BTreeMap<LabelCode, Vec<usize>> = BTreeMap::new();
    for (i, c) in checked.iter().enumerate() {
        for l in &c.event.body.links {
            per_container
                .entry(l.container.clone())
                .or_default()
                .push(i);
        }
    }
    let mut statuses = BTreeMap::new();
    let mut after = HashMap::new();
    for (container, idxs) in &per_container {
        let mut children: HashMap<Option<EventId>, Vec<usize>> = HashMap::new();
        for &i in idxs {
            let link = checked[i]
                .event
                .body
                .link(container)
                .expect("indexed by link");
            if let Some(p) = link.prev {
                if !by_id.contains_key(&p)
                    || checked[by_id[&p]].event.body.link(container).is_none()
                {
                    fail(
                        &mut failures,
                        checked[i].event.id,
                        Some(container),
                        FailureKind::BrokenLink,
                        format!("previous event {} of this container is missing", p.short()),
                    );
                    continue;
                }
            }
            children.entry(link.prev).or_default().push(i);
        }
        // Trusted events first: anyone can compute an id, so an unsigned sibling with an
        // earlier `at` must not push the signed event off the main line.
        for list in children.values_mut() {
            list.sort_by_key(|&i| {
                (
                    !checked[i].trusted,
                    checked[i].event.body.at,
                    checked[i].event.id,
                )
            });
        }
        // Walk the main line from the genesis; later siblings are forks.
        let mut status: Option<ContainerStatus> = None;
        let mut cursor: Option<EventId> = None;
        while let Some(list) = children.get(&cursor) {
            let first = list[0];
            for &other in &list[1..] {
                fail(
                    &mut failures,
                    checked[other].event.id,
                    Some(container),
                    FailureKind::Fork,
                    format!(
                        "forks the chain: event {} already follows {}",
                        checked[first].event.id.short(),
                        cursor.map_or("the start".to_string(), |p| p.short())
                    ),
                );
            }
            let c = &checked[first];
            if c.trusted {
                match apply_mut(&mut status, c.event.id, &c.event.body, container) {
                    Ok(()) => {
                        let s = status.as_ref().expect("applied");
                        after.insert((c.event.id, container.clone()), (s.state, s.holder.clone()));
                    }
                    Err(e) => fail(
                        &mut failures,
                        c.event.id,
                        Some(container),
                        FailureKind::ForbiddenTransition,
                        e.to_string(),
                    ),
                }
            }
            cursor = Some(c.event.id);
        }
        if let Some(s) = status {
            statuses.insert(container.clone(), s);
        }
    }

    failures.sort_by(|a, b| {
        (a.event, a.kind as u8, &a.container).cmp(&(b.event, b.kind as u8, &b.container))
    });
    failures.dedup();
    let containers = per_container.len();
    let bodies = checked
        .into_iter()
        .map(|c| (c.event.id, c.event.body))
        .collect();
    Report {
        events: events.len(),
        containers,
        failures,
        statuses,
        after,
        bodies,
    }
}
