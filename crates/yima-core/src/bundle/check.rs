//! Reading and verifying a bundle: the file read strictly (each event exactly in the form it
//! was written), the events verified by [`crate::verify`] against the bundle's keys, then
//! the scope: every event in it, every container of it with its chain's start.

use super::attest::{attestation_digest, AttestedParts};
use super::scope::containers_in_scope;
use super::{BundleScope, KeyRecord, ATTESTED_BUNDLE_VERSION, BUNDLE_FORMAT, BUNDLE_VERSION};
use crate::model::Timestamp;
use crate::signing::{EventId, PublicKey, Signature};
use crate::verify::{verify, FailureKind, KeyDirectory, KeyEntry, RawEvent, VerifyOptions};
use crate::wire::WireEvent;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use yima_codes::LabelCode;

/// Where in a bundle's file something is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "in", content = "index", rename_all = "snake_case")]
pub enum Place {
    /// The header (format, version, scope, exporter) or the brackets around the lists.
    Header,
    /// The key record at this position (from 0).
    Key(usize),
    /// The event at this position (from 0).
    Event(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Header => f.write_str("the header"),
            Place::Key(i) => write!(f, "key record #{}", i + 1),
            Place::Event(i) => write!(f, "event #{}", i + 1),
        }
    }
}

/// Why a file is not a bundle at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not JSON, or not of a bundle's shape: where, and why.
    #[error("the bundle is unreadable at line {line}, column {column} ({place}): {detail}")]
    Unreadable {
        /// Line (from 1).
        line: usize,
        /// Column (from 1).
        column: usize,
        /// The key or event that line holds.
        place: Place,
        /// What the reader found.
        detail: String,
    },
    /// Another format, or a version this reader does not know.
    #[error("not a Yima evidence bundle of version {BUNDLE_VERSION} or {ATTESTED_BUNDLE_VERSION}: format {format:?}, version {version}")]
    Unsupported {
        /// The format named.
        format: String,
        /// The version named.
        version: u32,
    },
}

/// Why a bundle fails (or, among its notes, what it shows without failing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BundleFailureKind {
    /// What [`crate::verify`] finds: ids, signatures, keys, links, forks, the rules.
    Verify(FailureKind),
    /// The event's line is not an event (id, body, signatures).
    Unreadable,
    /// The event reads, but not in the exact form it was written (its bytes were changed).
    NotCanonical,
    /// The same event twice.
    Duplicate,
    /// Two records of one key.
    DuplicateKey,
    /// No event of the scope (the container, the manifest) is in the bundle.
    ScopeMissing,
    /// The event concerns no container of the scope.
    OutsideScope,
    /// A container of the scope whose chain has no start in the bundle.
    NoStart,
    /// (A note, not a failure) signed before its key's enrolment: a device records
    /// offline before it enrols, and the registry accepts such events.
    BeforeEnrolment,
    /// A registry key was pinned and the bundle carries no attestation (or says version 2
    /// and carries none).
    Unattested,
    /// The attestation does not verify over the bundle (a byte of what it covers changed,
    /// an event line added or left out), or is by another key than the one pinned, or sits
    /// in a bundle of version 1.
    BadAttestation,
}

impl BundleFailureKind {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleFailureKind::Verify(k) => k.as_str(),
            BundleFailureKind::Unreadable => "unreadable",
            BundleFailureKind::NotCanonical => "not_canonical",
            BundleFailureKind::Duplicate => "duplicate",
            BundleFailureKind::DuplicateKey => "duplicate_key",
            BundleFailureKind::ScopeMissing => "scope_missing",
            BundleFailureKind::OutsideScope => "outside_scope",
            BundleFailureKind::NoStart => "no_start",
            BundleFailureKind::BeforeEnrolment => "before_enrolment",
            BundleFailureKind::Unattested => "unattested",
            BundleFailureKind::BadAttestation => "bad_attestation",
        }
    }
}

impl Serialize for BundleFailureKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One failure of a bundle: which event (its position in the file and the id it claims),
/// for which container, what kind, and the detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BundleFailure {
    /// The event's position in the bundle (from 0), when the failure is about an event.
    pub position: Option<usize>,
    /// The id the event claims, when it could be read.
    pub event: Option<EventId>,
    /// The container whose chain it fails in, when the failure is about a chain.
    pub container: Option<LabelCode>,
    /// The kind of failure.
    pub kind: BundleFailureKind,
    /// A sentence for people.
    pub detail: String,
}

/// `#3 <id> id_mismatch [<container>]: <detail>`: the event's place in the file (from 1),
/// the id it claims, the kind, the container and the sentence, each part only when known.
impl std::fmt::Display for BundleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = self.position {
            write!(f, "#{} ", p + 1)?;
        }
        if let Some(e) = self.event {
            write!(f, "{e} ")?;
        }
        f.write_str(self.kind.as_str())?;
        if let Some(c) = &self.container {
            write!(f, " [{c}]")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// What a bundle's key records (organisation, roles, enrolment, revocation) rest on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyRecordsRestOn {
    /// No attestation verified: they are the exporter's word.
    ExportersWord,
    /// An attestation verified, by a key the reader did not pin: they rest on that key
    /// being the registry's (compare it with the key the registry publishes).
    AttestingKey,
    /// Attested by the registry key the reader pinned.
    PinnedRegistryKey,
}

impl KeyRecordsRestOn {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRecordsRestOn::ExportersWord => "exporters_word",
            KeyRecordsRestOn::AttestingKey => "attesting_key",
            KeyRecordsRestOn::PinnedRegistryKey => "pinned_registry_key",
        }
    }
}

impl Serialize for KeyRecordsRestOn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The verdict on a bundle.
#[derive(Clone, Debug, Serialize)]
pub struct BundleReport {
    /// What the bundle says it is the evidence of.
    pub scope: BundleScope,
    /// When it says it was exported.
    pub exported_at: Timestamp,
    /// Who it says exported it.
    pub exported_by: String,
    /// Events in it.
    pub events: usize,
    /// Container chains examined.
    pub containers: usize,
    /// Key records in it.
    pub keys: Vec<KeyRecord>,
    /// The key whose attestation of the bundle verified (and, when a key was pinned, is
    /// that key); none when unattested or when the attestation failed.
    pub attested_by: Option<PublicKey>,
    /// What the key records rest on.
    pub key_records: KeyRecordsRestOn,
    /// Everything that fails, events in the order of the file.
    pub failures: Vec<BundleFailure>,
    /// What it shows without failing (events signed before their key's enrolment).
    pub notes: Vec<BundleFailure>,
}

impl BundleReport {
    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The file as read, events still as their text.
#[derive(Deserialize)]
struct RawBundle<'a> {
    format: String,
    version: u32,
    scope: BundleScope,
    exported_at: Timestamp,
    exported_by: String,
    #[serde(default)]
    attestation: Option<Signature>,
    keys: Vec<KeyRecord>,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

/// The same file, every member an attestation covers as its text.
#[derive(Deserialize)]
struct RawTexts<'a> {
    #[serde(borrow)]
    format: &'a RawValue,
    #[serde(borrow)]
    version: &'a RawValue,
    #[serde(borrow)]
    scope: &'a RawValue,
    #[serde(borrow)]
    exported_at: &'a RawValue,
    #[serde(borrow)]
    exported_by: &'a RawValue,
    #[serde(borrow)]
    keys: Vec<&'a RawValue>,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

impl<'a> RawTexts<'a> {
    fn parts(&self) -> AttestedParts<'a> {
        AttestedParts {
            format: self.format.get(),
            version: self.version.get(),
            scope: self.scope.get(),
            exported_at: self.exported_at.get(),
            exported_by: self.exported_by.get(),
            keys: self.keys.iter().map(|k| k.get()).collect(),
            events: self.events.iter().map(|e| e.get()).collect(),
        }
    }
}

/// The key or event on `line` (from 1) of a bundle's text, as [`super::EvidenceBundle::to_text`]
/// lays it out: one per line, after the line opening its list.
fn place_of(text: &[u8], line: usize) -> Place {
    let mut list: Option<(bool, usize)> = None;
    for (i, l) in text.split(|&b| b == b'\n').enumerate().take(line) {
        let l = l.trim_ascii();
        if l.starts_with(b"\"keys\":[") {
            list = Some((false, i + 1));
        } else if l.starts_with(b"\"events\":[") {
            list = Some((true, i + 1));
        } else if l.starts_with(b"]") {
            list = None;
        }
    }
    match list {
        Some((events, first)) if line > first => {
            let at = line - first - 1;
            if events {
                Place::Event(at)
            } else {
                Place::Key(at)
            }
        }
        _ => Place::Header,
    }
}

/// The first key or event whose own line is not a JSON value (its separating comma aside):
/// where a changed byte broke the file, even when the parser only notices on the next line
/// (an event's closing brace changed into a space reads on into the next event) or the
/// change is itself a line break (the lines after it no longer count from the same place).
fn first_broken_line(text: &[u8]) -> Option<Place> {
    let mut list: Option<(bool, usize)> = None;
    for l in text.split(|&b| b == b'\n') {
        let l = l.trim_ascii();
        if l.starts_with(b"\"keys\":[") {
            list = Some((false, 0));
        } else if l.starts_with(b"\"events\":[") {
            list = Some((true, 0));
        } else if l.starts_with(b"]") {
            list = None;
        } else if let Some((events, at)) = list.as_mut() {
            let value = l.strip_suffix(b",").unwrap_or(l);
            if serde_json::from_slice::<serde::de::IgnoredAny>(value).is_err() {
                return Some(if *events {
                    Place::Event(*at)
                } else {
                    Place::Key(*at)
                });
            }
            *at += 1;
        }
    }
    None
}

fn unreadable(text: &[u8], e: &serde_json::Error) -> BundleError {
    BundleError::Unreadable {
        line: e.line(),
        column: e.column(),
        place: first_broken_line(text).unwrap_or_else(|| place_of(text, e.line())),
        detail: e.to_string(),
    }
}

/// Reads `bytes` as a bundle and verifies it: each event exactly as written, its id, its
/// signatures against the bundle's keys (known, of the organisation and role the event
/// names, not revoked at its time), its chain and the rules of custody, and the scope (every
/// event in it, every container of it with the start of its chain). An attestation present
/// is checked; none needed. An error only when the file is not a bundle at all, naming the
/// line and the event or key on it.
pub fn verify_bundle(bytes: &[u8]) -> Result<BundleReport, BundleError> {
    verify_bundle_with(bytes, None)
}

/// [`verify_bundle`], the bundle required to be attested by `registry_key` when one is
/// given (the registry's published key): without an attestation by exactly that key,
/// verifying over the bundle as written, it fails (`unattested`, `bad_attestation`).
pub fn verify_bundle_with(
    bytes: &[u8],
    registry_key: Option<&PublicKey>,
) -> Result<BundleReport, BundleError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let upto = &bytes[..e.valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = upto.len() - upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        BundleError::Unreadable {
            line,
            column,
            place: first_broken_line(bytes).unwrap_or_else(|| place_of(bytes, line)),
            detail: "not UTF-8 text".into(),
        }
    })?;
    let raw: RawBundle<'_> = serde_json::from_str(text).map_err(|e| unreadable(bytes, &e))?;
    if raw.format != BUNDLE_FORMAT
        || (raw.version != BUNDLE_VERSION && raw.version != ATTESTED_BUNDLE_VERSION)
    {
        return Err(BundleError::Unsupported {
            format: raw.format,
            version: raw.version,
        });
    }
    let texts: RawTexts<'_> = serde_json::from_str(text).map_err(|e| unreadable(bytes, &e))?;
    let mut failures = Vec::new();
    let (attested_by, key_records) =
        attestation(&raw, &texts, registry_key).unwrap_or_else(|(kind, detail)| {
            failures.push(failure(None, None, kind, detail));
            (None, KeyRecordsRestOn::ExportersWord)
        });
    let mut events: Vec<RawEvent> = Vec::with_capacity(raw.events.len());
    // Each event's position, by the id it claims (the first, if it comes twice).
    let mut position: HashMap<EventId, usize> = HashMap::new();
    for (i, line) in raw.events.iter().enumerate() {
        let wire: WireEvent = match serde_json::from_str(line.get()) {
            Ok(w) => w,
            Err(e) => {
                failures.push(failure(
                    Some(i),
                    None,
                    BundleFailureKind::Unreadable,
                    e.to_string(),
                ));
                continue;
            }
        };
        // Hex in either case, escapes and spaces read alike: only the exact form written
        // shows that no byte changed.
        if serde_json::to_string(&wire).ok().as_deref() != Some(line.get()) {
            failures.push(failure(
                Some(i),
                Some(wire.id),
                BundleFailureKind::NotCanonical,
                "the event is not in the exact form it was written: its bytes were changed".into(),
            ));
        }
        if let Some(first) = position.get(&wire.id) {
            failures.push(failure(
                Some(i),
                Some(wire.id),
                BundleFailureKind::Duplicate,
                format!("the same event as event #{}", first + 1),
            ));
            continue;
        }
        position.insert(wire.id, i);
        events.push(wire.raw());
    }

    let keys = key_directory(&raw.keys, &mut failures);
    let report = verify(&events, &keys, &VerifyOptions::default());
    for f in &report.failures {
        failures.push(BundleFailure {
            position: position.get(&f.event).copied(),
            event: Some(f.event),
            container: f.container.clone(),
            kind: BundleFailureKind::Verify(f.kind),
            detail: f.detail.clone(),
        });
    }

    let scope = containers_in_scope(&raw.scope, &report.bodies);
    if scope.is_empty() {
        failures.push(failure(
            None,
            None,
            BundleFailureKind::ScopeMissing,
            format!("no event of {} is in the bundle", raw.scope),
        ));
    }
    let mut started: HashSet<&LabelCode> = HashSet::new();
    for (id, body) in &report.bodies {
        if !body.links.iter().any(|l| scope.contains(&l.container)) && !scope.is_empty() {
            failures.push(failure(
                position.get(id).copied(),
                Some(*id),
                BundleFailureKind::OutsideScope,
                format!("the event concerns no container of {}", raw.scope),
            ));
        }
        started.extend(
            body.links
                .iter()
                .filter(|l| l.prev.is_none())
                .map(|l| &l.container),
        );
    }
    for c in scope.iter().filter(|c| !started.contains(c)) {
        failures.push(BundleFailure {
            position: None,
            event: None,
            container: Some(c.clone()),
            kind: BundleFailureKind::NoStart,
            detail: "the event that begins this container's chain is not in the bundle".into(),
        });
    }
    failures.sort_by_key(|f| (f.position.is_none(), f.position));

    let notes = before_enrolment(&report.bodies, &raw.keys, &position);
    Ok(BundleReport {
        scope: raw.scope,
        exported_at: raw.exported_at,
        exported_by: raw.exported_by,
        events: raw.events.len(),
        containers: report.containers,
        keys: raw.keys,
        attested_by,
        key_records,
        failures,
        notes,
    })
}

/// Who attested the bundle and what its key records rest on, or why that fails.
fn attestation(
    raw: &RawBundle<'_>,
    texts: &RawTexts<'_>,
    pinned: Option<&PublicKey>,
) -> Result<(Option<PublicKey>, KeyRecordsRestOn), (BundleFailureKind, String)> {
    let fail = |kind, detail: String| Err((kind, detail));
    let Some(a) = raw.attestation else {
        return if raw.version == ATTESTED_BUNDLE_VERSION {
            fail(
                BundleFailureKind::Unattested,
                format!("the bundle says version {ATTESTED_BUNDLE_VERSION} (attested) but carries no attestation"),
            )
        } else if let Some(k) = pinned {
            fail(
                BundleFailureKind::Unattested,
                format!(
                    "the bundle carries no attestation, and one by the registry key {} was required: its key records are only the exporter's word",
                    k.short()
                ),
            )
        } else {
            Ok((None, KeyRecordsRestOn::ExportersWord))
        };
    };
    if raw.version != ATTESTED_BUNDLE_VERSION {
        return fail(
            BundleFailureKind::BadAttestation,
            format!("a bundle of version {} carries no attestation", raw.version),
        );
    }
    if !a.key.verify(&attestation_digest(&texts.parts()), &a.sig) {
        return fail(
            BundleFailureKind::BadAttestation,
            format!(
                "the attestation by key {} does not verify: what it covers (the header, a key record, the events) changed since it was signed",
                a.key.short()
            ),
        );
    }
    match pinned {
        Some(k) if *k != a.key => fail(
            BundleFailureKind::BadAttestation,
            format!(
                "attested by key {}, not by the registry key {} required",
                a.key.short(),
                k.short()
            ),
        ),
        Some(_) => Ok((Some(a.key), KeyRecordsRestOn::PinnedRegistryKey)),
        None => Ok((Some(a.key), KeyRecordsRestOn::AttestingKey)),
    }
}

fn failure(
    position: Option<usize>,
    event: Option<EventId>,
    kind: BundleFailureKind,
    detail: String,
) -> BundleFailure {
    BundleFailure {
        position,
        event,
        container: None,
        kind,
        detail,
    }
}

/// The bundle's keys as the verifier's directory; a key recorded twice fails the bundle.
fn key_directory(records: &[KeyRecord], failures: &mut Vec<BundleFailure>) -> KeyDirectory {
    let mut dir = KeyDirectory::new();
    let mut seen: HashSet<PublicKey> = HashSet::new();
    for k in records {
        if !seen.insert(k.key) {
            failures.push(failure(
                None,
                None,
                BundleFailureKind::DuplicateKey,
                format!("key {} is recorded twice", k.key.short()),
            ));
            continue;
        }
        dir.insert(
            k.key,
            KeyEntry {
                org: k.org.clone(),
                roles: k.roles.clone(),
                revoked_at: k.revoked_at,
            },
        );
    }
    dir
}

/// Events signed (by the recorder or the giver) before the key's enrolment.
fn before_enrolment(
    bodies: &[(EventId, crate::event::EventBody)],
    records: &[KeyRecord],
    position: &HashMap<EventId, usize>,
) -> Vec<BundleFailure> {
    let enrolled: HashMap<PublicKey, Timestamp> = records
        .iter()
        .filter_map(|k| k.enrolled_at.map(|t| (k.key, t)))
        .collect();
    let mut out = Vec::new();
    for (id, body) in bodies {
        let signers = std::iter::once(&body.by).chain(body.event.giver());
        for actor in signers {
            if let Some(t) = enrolled.get(&actor.key).filter(|t| body.at < **t) {
                out.push(failure(
                    position.get(id).copied(),
                    Some(*id),
                    BundleFailureKind::BeforeEnrolment,
                    format!(
                        "signed at {} by key {}, enrolled at {t}: recorded offline before enrolment",
                        body.at,
                        actor.key.short()
                    ),
                ));
            }
        }
    }
    out
}
