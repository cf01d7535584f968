//! Verification of a set of stored events: ids, signatures, keys, per-device counters,
//! per-container chains (links and forks) and the rules of custody. It reports exactly which
//! event fails and why, and never stops at the first failure.

mod chains;
mod signatures;
mod signers;

use crate::custody::ContainerStatus;
use crate::encoding::decode;
use crate::event::{EventBody, SignedEvent};
use crate::model::Timestamp;
use crate::role::Role;
use crate::signing::{EventId, PublicKey, Signature};
use crate::state::ContainerState;
use chains::Chains;
use serde::Serialize;
use signatures::Batches;
use signers::check_signers;
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

/// An event whose bytes hash to its id and decode canonically.
struct Checked {
    /// Its place in the events given.
    index: usize,
    id: EventId,
    body: EventBody,
    /// Whether everything about its signers holds, so that it may move a chain.
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

/// What the events say, checked without their signatures: ids, bodies, signers, counters,
/// and (assuming every signature verifies) the chains.
struct Contents {
    /// Ids that do not match and bodies that do not decode.
    unreadable: Vec<Failure>,
    /// Signers, keys, composer and links of the readable events.
    signers: Vec<Failure>,
    counters: Vec<Failure>,
    checked: Vec<Checked>,
    chains: Chains,
}

fn check_contents(events: &[RawEvent], keys: &KeyDirectory, options: &VerifyOptions) -> Contents {
    let mut unreadable = Vec::new();
    let mut signers = Vec::new();
    let mut checked = Vec::with_capacity(events.len());
    for (index, raw) in events.iter().enumerate() {
        let actual = EventId::of_canonical(&raw.canonical);
        if actual != raw.id {
            fail(
                &mut unreadable,
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
            Ok(body) => {
                let trusted = check_signers(&mut signers, raw.id, &body, &raw.signatures, keys);
                checked.push(Checked {
                    index,
                    id: raw.id,
                    body,
                    trusted,
                });
            }
            Err(e) => fail(
                &mut unreadable,
                raw.id,
                None,
                FailureKind::Malformed,
                e.to_string(),
            ),
        }
    }
    let mut counters = Vec::new();
    chains::counters(&checked, options, &mut counters);
    let chains = chains::follow(&checked);
    Contents {
        unreadable,
        signers,
        counters,
        checked,
        chains,
    }
}

/// From this many events on, two threads share the work.
const PARALLEL_FROM: usize = 64;

/// Verifies `events` against `keys`.
pub fn verify(events: &[RawEvent], keys: &KeyDirectory, options: &VerifyOptions) -> Report {
    // One thread checks signatures in batches while the other checks everything else,
    // following the chains as if every signature verified; then it takes the batches
    // still left. A batch that passes vouches for its signatures; those of a failed batch
    // are checked one by one.
    let batches = Batches::new(events);
    let (mut contents, failed) = if events.len() >= PARALLEL_FROM {
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| batches.work());
            let contents = check_contents(events, keys, options);
            let mut failed = batches.work();
            match helper.join() {
                Ok(f) => failed.extend(f),
                Err(_) => failed = batches.all(),
            }
            (contents, failed)
        })
    } else {
        let contents = check_contents(events, keys, options);
        (contents, batches.work())
    };

    let mut bad_signatures = Vec::new();
    if !failed.is_empty() {
        let position: HashMap<usize, usize> = contents
            .checked
            .iter()
            .enumerate()
            .map(|(i, c)| (c.index, i))
            .collect();
        let mut moved_chain = false;
        for (e, s) in batches.bad_in(&failed) {
            // Only events that are readable are judged on their signatures.
            let Some(&i) = position.get(&e) else {
                continue;
            };
            let c = &mut contents.checked[i];
            fail(
                &mut bad_signatures,
                c.id,
                None,
                FailureKind::BadSignature,
                format!(
                    "signature by key {} does not verify",
                    events[e].signatures[s].key.short()
                ),
            );
            moved_chain |= c.trusted;
            c.trusted = false;
        }
        // The chains were followed trusting these events: follow them again without.
        if moved_chain {
            contents.chains = chains::follow(&contents.checked);
        }
    }

    let Contents {
        unreadable,
        signers,
        counters,
        checked,
        chains,
    } = contents;
    // In the order the checks are made, so that equal failures keep one order.
    let mut failures = unreadable;
    failures.extend(bad_signatures);
    failures.extend(signers);
    failures.extend(counters);
    failures.extend(chains.failures);
    failures.sort_by(|a, b| {
        (a.event, a.kind as u8, &a.container).cmp(&(b.event, b.kind as u8, &b.container))
    });
    failures.dedup();
    let bodies = checked.into_iter().map(|c| (c.id, c.body)).collect();
    Report {
        events: events.len(),
        containers: chains.containers,
        failures,
        statuses: chains.statuses,
        after: chains.after,
        bodies,
    }
}
