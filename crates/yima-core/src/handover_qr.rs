//! The offline handover as two QR codes shown phone to phone (spec: `docs/HANDOVER-QR.md`).
//!
//! The giver's **offer** carries everything of the handover event's body except the
//! container codes themselves: the kind and its details (manifest number, driver, plate,
//! permit, place or reason), giver and taker identities, time, optional location, the giver's
//! counter, the containers as a count with a digest of their sorted codes, a 4-byte tag per
//! code (so a label not on the list is flagged the moment it is scanned), the total declared
//! weight, the previous event of each container's chain (one id when they all share it, as
//! containers dispatched or picked up together do), and the giver's signature over the event
//! id. The taker scans every label, rebuilds the very same body from the offer and the codes,
//! checks the giver's signature, countersigns, and shows the **acknowledgement**: the event
//! id with the taker's key and signature. Both devices then hold the same dual-signed event.
//!
//! Both codes are `PREFIX` + Base45 of a fixed binary layout, so they use QR alphanumeric
//! mode; parsing is strict (one text per value) and never panics.
//!
//! ```
//! use yima_core::{HandoverAckQr, HandoverOfferQr};
//! // Any other text is "not a handover code", never a panic.
//! assert!(HandoverOfferQr::parse("https://example.com").is_err());
//! assert!(HandoverAckQr::parse("YIMA-HA1:").is_err());
//! ```

use crate::base45;
use crate::event::{Actor, EventBody, EventKind, Link, SignedEvent, EVENT_FORMAT_VERSION};
use crate::model::Timestamp;
use crate::quantity::{format_milli, Quantity, Unit};
use crate::role::Role;
use crate::signing::{EventId, PublicKey, Signature, SignatureBytes};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use yima_codes::{CreditCode, LabelCode, Lang, ManifestNumber};

/// What an offer's text starts with.
pub const OFFER_PREFIX: &str = "YIMA-HO1:";
/// What an acknowledgement's text starts with.
pub const ACK_PREFIX: &str = "YIMA-HA1:";
/// The most characters a handover code may have: the alphanumeric capacity of a QR code of
/// version 25 at error-correction level M (the largest a phone reads from another phone's
/// screen in one go). An offer holds about 150 containers that share one chain head, or
/// about 16 whose chains all end in different events.
pub const MAX_QR_TEXT: usize = 1451;
/// Domain separator of the digest over the sorted container codes.
pub const CODES_DOMAIN: &[u8] = b"yima/handover-codes/v1\0";
/// Domain separator of a container code's 4-byte tag.
pub const TAG_DOMAIN: &[u8] = b"yima/handover-tag/v1\0";

/// Why a handover QR text, or the labels scanned against it, do not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HandoverQrError {
    /// The text is not a Yima handover code of this kind (any other QR code).
    #[error("not a Yima handover code: {text}")]
    NotHandover {
        /// The text, as scanned.
        text: String,
    },
    /// A handover code, but damaged or not in its one canonical form.
    #[error("damaged handover code: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// The event cannot travel as a QR offer.
    #[error("this handover cannot be offered as a QR code: {detail}")]
    NotOfferable {
        /// Why.
        detail: String,
    },
    /// A scanned label's container is not on the offer's list.
    #[error("container {code} is not on this handover's list")]
    NotOnList {
        /// The container.
        code: LabelCode,
    },
    /// Not as many labels as the offer lists.
    #[error("the offer lists {expected} containers, {found} labels were scanned")]
    CountMismatch {
        /// Containers on the offer.
        expected: usize,
        /// Labels scanned.
        found: usize,
    },
    /// As many labels, but not the same containers.
    #[error("the scanned labels are not the containers the offer lists")]
    DigestMismatch,
    /// The labels' declared weights do not add up to the offer's total.
    #[error("the offer declares {declared}, the scanned labels add up to {scanned}")]
    TotalMismatch {
        /// The offer's total.
        declared: String,
        /// The labels' sum.
        scanned: String,
    },
    /// The giver's signature does not fit the rebuilt event.
    #[error("the giver's signature does not match the handover")]
    BadSignature,
}

impl HandoverQrError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (HandoverQrError::NotHandover { text }, Lang::Zh) => {
                format!("不是一码交接二维码：{text}")
            }
            (HandoverQrError::Malformed { detail }, Lang::Zh) => {
                format!("交接二维码已损坏：{detail}")
            }
            (HandoverQrError::NotOfferable { detail }, Lang::Zh) => {
                format!("此交接无法用二维码发出：{detail}")
            }
            (HandoverQrError::NotOnList { code }, Lang::Zh) => {
                format!("容器 {code} 不在本次交接清单上")
            }
            (HandoverQrError::CountMismatch { expected, found }, Lang::Zh) => {
                format!("交接清单有 {expected} 个容器，实际扫描了 {found} 个标签")
            }
            (HandoverQrError::DigestMismatch, Lang::Zh) => {
                "扫描的标签与交接清单上的容器不一致".to_string()
            }
            (HandoverQrError::TotalMismatch { declared, scanned }, Lang::Zh) => {
                format!("交接声明总量 {declared}，标签合计 {scanned}")
            }
            (HandoverQrError::BadSignature, Lang::Zh) => "移交方签名与交接内容不符".to_string(),
        }
    }
}

fn malformed(detail: impl Into<String>) -> HandoverQrError {
    HandoverQrError::Malformed {
        detail: detail.into(),
    }
}

fn not_offerable(detail: impl Into<String>) -> HandoverQrError {
    HandoverQrError::NotOfferable {
        detail: detail.into(),
    }
}

/// The digest of a set of container codes: SHA-256 of [`CODES_DOMAIN`] and the codes' 37
/// bytes each, in ascending order.
pub fn codes_digest<'a>(sorted: impl IntoIterator<Item = &'a LabelCode>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CODES_DOMAIN);
    for c in sorted {
        h.update(c.as_str().as_bytes());
    }
    h.finalize().into()
}

/// A code's 4-byte tag on the offer's list.
pub fn code_tag(code: &LabelCode) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(TAG_DOMAIN);
    h.update(code.as_str().as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Declared quantities summed per unit, in the order kg, t, L.
pub fn totals<'a>(quantities: impl IntoIterator<Item = &'a Quantity>) -> Vec<(Unit, i64)> {
    let mut sums: BTreeMap<u8, i64> = BTreeMap::new();
    for q in quantities {
        *sums.entry(unit_byte(q.unit)).or_default() += q.milli;
    }
    sums.into_iter()
        .map(|(u, m)| (unit_of(u).expect("from unit_byte"), m))
        .collect()
}

fn format_totals(t: &[(Unit, i64)]) -> String {
    if t.is_empty() {
        return "0".into();
    }
    t.iter()
        .map(|(u, m)| format!("{} {}", format_milli(*m), u.symbol()))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The giver's handover QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverOfferQr {
    /// The handover (`picked_up`, `relay_handover`, `received` or `returned`) with its giver.
    pub event: EventKind,
    /// When it happens.
    pub at: Timestamp,
    /// The giver's counter (the composer's `seq`).
    pub seq: u64,
    /// The party taking custody, who records and countersigns.
    pub taker: Actor,
    /// Where, if given.
    pub location: Option<String>,
    /// Digest of the sorted container codes ([`codes_digest`]).
    pub codes_digest: [u8; 32],
    /// One [`code_tag`] per container, in code order.
    pub tags: Vec<[u8; 4]>,
    /// Declared weight per unit ([`totals`]).
    pub total: Vec<(Unit, i64)>,
    /// The distinct previous events of the containers' chains.
    pub prevs: Vec<EventId>,
    /// For each container in code order, its previous event's index in `prevs` (empty when
    /// `prevs` has one id).
    pub prev_index: Vec<u8>,
    /// The giver's signature over the event id.
    pub signature: SignatureBytes,
}

const KIND_PICKED_UP: u8 = 1;
const KIND_RELAY: u8 = 2;
const KIND_RECEIVED: u8 = 3;
const KIND_RETURNED: u8 = 4;

fn unit_byte(u: Unit) -> u8 {
    match u {
        Unit::Kg => 1,
        Unit::T => 2,
        Unit::L => 3,
    }
}

fn unit_of(b: u8) -> Option<Unit> {
    match b {
        1 => Some(Unit::Kg),
        2 => Some(Unit::T),
        3 => Some(Unit::L),
        _ => None,
    }
}

fn role_byte(r: Role) -> u8 {
    Role::ALL.iter().position(|x| *x == r).expect("every role") as u8
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) -> Result<(), HandoverQrError> {
        let len = u8::try_from(s.len())
            .map_err(|_| not_offerable(format!("text longer than 255 bytes: {s}")))?;
        self.u8(len);
        self.bytes(s.as_bytes());
        Ok(())
    }
    fn actor(&mut self, a: &Actor) {
        self.bytes(a.org.as_str().as_bytes());
        self.u8(role_byte(a.role));
        self.bytes(a.key.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], HandoverQrError> {
        if self.0.len() < n {
            return Err(malformed(format!("ends before the {what}")));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], HandoverQrError> {
        Ok(self.take(N, what)?.try_into().expect("length taken"))
    }
    fn u8(&mut self, what: &str) -> Result<u8, HandoverQrError> {
        Ok(self.take(1, what)?[0])
    }
    fn str(&mut self, what: &str) -> Result<String, HandoverQrError> {
        let n = self.u8(what)? as usize;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed(format!("the {what} is not UTF-8")))
    }
    fn ascii(&mut self, n: usize, what: &str) -> Result<&'a str, HandoverQrError> {
        let b = self.take(n, what)?;
        std::str::from_utf8(b).map_err(|_| malformed(format!("the {what} is not text")))
    }
    fn actor(&mut self, what: &str) -> Result<Actor, HandoverQrError> {
        let org: CreditCode = self
            .ascii(18, what)?
            .parse()
            .map_err(|e| malformed(format!("the {what}'s credit code: {e}")))?;
        let role = *Role::ALL
            .get(self.u8(what)? as usize)
            .ok_or_else(|| malformed(format!("the {what}'s role is unknown")))?;
        let key = PublicKey(self.array::<32>(what)?);
        Ok(Actor { org, role, key })
    }
    fn manifest(&mut self) -> Result<ManifestNumber, HandoverQrError> {
        self.ascii(14, "manifest number")?
            .parse()
            .map_err(|e| malformed(format!("the manifest number: {e}")))
    }
}

fn strict_text(text: &str, prefix: &str) -> Result<Vec<u8>, HandoverQrError> {
    let Some(rest) = text.strip_prefix(prefix) else {
        return Err(HandoverQrError::NotHandover { text: text.into() });
    };
    base45::decode(rest).ok_or_else(|| malformed("not Base45"))
}

impl HandoverOfferQr {
    /// The offer for `event` (composed and signed by its giver), whose containers in code
    /// order declare `declared`.
    pub fn of(event: &SignedEvent, declared: &[Quantity]) -> Result<Self, HandoverQrError> {
        let body = &event.body;
        let giver = body
            .event
            .giver()
            .ok_or_else(|| not_offerable(format!("{} is not a handover", body.step().as_str())))?;
        if body.composer != giver.key {
            return Err(not_offerable("the giver did not compose the event"));
        }
        let signature = event
            .signatures
            .iter()
            .find(|s| s.key == giver.key)
            .ok_or_else(|| not_offerable("the giver has not signed the event"))?
            .sig;
        if body.links.is_empty() || body.links.len() > usize::from(u16::MAX) {
            return Err(not_offerable("no containers, or too many"));
        }
        if declared.len() != body.links.len() {
            return Err(not_offerable(
                "one declared quantity per container is needed",
            ));
        }
        let mut prevs: Vec<EventId> = Vec::new();
        let mut prev_index = Vec::with_capacity(body.links.len());
        for l in &body.links {
            let p = l
                .prev
                .ok_or_else(|| not_offerable(format!("container {} has no chain", l.container)))?;
            let i = match prevs.iter().position(|x| *x == p) {
                Some(i) => i,
                None => {
                    prevs.push(p);
                    prevs.len() - 1
                }
            };
            prev_index.push(
                u8::try_from(i)
                    .map_err(|_| not_offerable("more than 256 different chain heads"))?,
            );
        }
        if prevs.len() == 1 {
            prev_index.clear();
        }
        let offer = HandoverOfferQr {
            event: body.event.clone(),
            at: body.at,
            seq: body.seq,
            taker: body.by.clone(),
            location: body.location.clone(),
            codes_digest: codes_digest(body.links.iter().map(|l| &l.container)),
            tags: body.links.iter().map(|l| code_tag(&l.container)).collect(),
            total: totals(declared),
            prevs,
            prev_index,
            signature,
        };
        let len = OFFER_PREFIX.len() + base45::encode(&offer.to_bytes()?).len();
        if len > MAX_QR_TEXT {
            return Err(not_offerable(format!(
                "{} containers with {} different chain heads need {len} characters, a QR code on a screen holds {MAX_QR_TEXT}: split the handover",
                offer.count(),
                offer.prevs.len()
            )));
        }
        Ok(offer)
    }

    /// The giver.
    pub fn giver(&self) -> &Actor {
        self.event.giver().expect("offers hold handovers only")
    }

    /// How many containers the offer lists.
    pub fn count(&self) -> usize {
        self.tags.len()
    }

    /// Whether `code` is on the list (by its tag: a label not listed is flagged at once).
    pub fn lists(&self, code: &LabelCode) -> bool {
        let t = code_tag(code);
        self.tags.contains(&t)
    }

    fn to_bytes(&self) -> Result<Vec<u8>, HandoverQrError> {
        let mut w = Writer(Vec::with_capacity(300 + 5 * self.tags.len()));
        let giver = self.giver().clone();
        let kind = match &self.event {
            EventKind::PickedUp { .. } => KIND_PICKED_UP,
            EventKind::RelayHandover { .. } => KIND_RELAY,
            EventKind::Received { .. } => KIND_RECEIVED,
            EventKind::Returned { .. } => KIND_RETURNED,
            _ => return Err(not_offerable("not a handover")),
        };
        w.u8(kind);
        w.bytes(&self.at.0.to_be_bytes());
        w.bytes(&self.seq.to_be_bytes());
        w.actor(&giver);
        w.actor(&self.taker);
        match &self.event {
            EventKind::PickedUp {
                driver,
                manifest,
                permit,
                vehicle_plate,
                ..
            } => {
                w.bytes(manifest.as_str().as_bytes());
                w.str(driver)?;
                w.str(permit)?;
                w.str(vehicle_plate)?;
            }
            EventKind::RelayHandover {
                driver,
                manifest,
                permit,
                place,
                vehicle_plate,
                ..
            } => {
                w.bytes(manifest.as_str().as_bytes());
                w.str(driver)?;
                w.str(permit)?;
                w.str(place)?;
                w.str(vehicle_plate)?;
            }
            EventKind::Received { manifest, .. } => w.bytes(manifest.as_str().as_bytes()),
            EventKind::Returned { reason, .. } => w.str(reason)?,
            _ => unreachable!("checked above"),
        }
        match &self.location {
            None => w.u8(0),
            Some(l) => {
                w.u8(1);
                w.str(l)?;
            }
        }
        let count = u16::try_from(self.tags.len())
            .ok()
            .filter(|c| *c > 0)
            .ok_or_else(|| not_offerable("no containers, or too many"))?;
        w.bytes(&count.to_be_bytes());
        w.bytes(&self.codes_digest);
        for t in &self.tags {
            w.bytes(t);
        }
        w.u8(self.total.len() as u8);
        for (u, m) in &self.total {
            w.u8(unit_byte(*u));
            w.bytes(&m.to_be_bytes());
        }
        let k = u8::try_from(self.prevs.len())
            .ok()
            .filter(|k| *k > 0)
            .ok_or_else(|| not_offerable("no chain heads, or too many"))?;
        w.u8(k);
        for p in &self.prevs {
            w.bytes(p.as_bytes());
        }
        w.bytes(&self.prev_index);
        w.bytes(self.signature.as_bytes());
        Ok(w.0)
    }

    /// The QR text: [`OFFER_PREFIX`] and Base45.
    pub fn to_text(&self) -> String {
        let bytes = self
            .to_bytes()
            .expect("offers are checked when they are made or parsed");
        format!("{OFFER_PREFIX}{}", base45::encode(&bytes))
    }

    /// Reads an offer's text, refusing anything but the one canonical spelling.
    pub fn parse(text: &str) -> Result<Self, HandoverQrError> {
        let bytes = strict_text(text, OFFER_PREFIX)?;
        let mut r = Reader(&bytes);
        let kind = r.u8("kind")?;
        let at = Timestamp(i64::from_be_bytes(r.array("time")?));
        let seq = u64::from_be_bytes(r.array("counter")?);
        let giver = r.actor("giver")?;
        let taker = r.actor("taker")?;
        let event = match kind {
            KIND_PICKED_UP => {
                let manifest = r.manifest()?;
                EventKind::PickedUp {
                    driver: r.str("driver")?,
                    giver,
                    manifest,
                    permit: r.str("permit")?,
                    vehicle_plate: r.str("vehicle plate")?,
                }
            }
            KIND_RELAY => {
                let manifest = r.manifest()?;
                EventKind::RelayHandover {
                    driver: r.str("driver")?,
                    giver,
                    manifest,
                    permit: r.str("permit")?,
                    place: r.str("place")?,
                    vehicle_plate: r.str("vehicle plate")?,
                }
            }
            KIND_RECEIVED => EventKind::Received {
                giver,
                manifest: r.manifest()?,
            },
            KIND_RETURNED => EventKind::Returned {
                giver,
                reason: r.str("reason")?,
            },
            k => return Err(malformed(format!("unknown handover kind {k}"))),
        };
        let location = match r.u8("location")? {
            0 => None,
            1 => Some(r.str("location")?),
            _ => return Err(malformed("bad location flag")),
        };
        let count = u16::from_be_bytes(r.array("count")?) as usize;
        if count == 0 {
            return Err(malformed("no containers"));
        }
        let codes_digest = r.array::<32>("codes digest")?;
        let mut tags = Vec::with_capacity(count);
        for _ in 0..count {
            tags.push(r.array::<4>("code tags")?);
        }
        let n = r.u8("totals")? as usize;
        let mut total = Vec::with_capacity(n);
        for _ in 0..n {
            let u = unit_of(r.u8("unit")?).ok_or_else(|| malformed("unknown unit"))?;
            let m = i64::from_be_bytes(r.array("total")?);
            total.push((u, m));
        }
        let k = r.u8("chain heads")? as usize;
        if k == 0 || k > count {
            return Err(malformed("bad number of chain heads"));
        }
        let mut prevs = Vec::with_capacity(k);
        for _ in 0..k {
            prevs.push(EventId(r.array::<32>("chain heads")?));
        }
        let prev_index = if k == 1 {
            Vec::new()
        } else {
            r.take(count, "chain head indexes")?.to_vec()
        };
        let signature = SignatureBytes(r.array::<64>("signature")?);
        if !r.0.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        if prev_index.iter().any(|i| *i as usize >= k) {
            return Err(malformed("a chain head index is out of range"));
        }
        let offer = HandoverOfferQr {
            event,
            at,
            seq,
            taker,
            location,
            codes_digest,
            tags,
            total,
            prevs,
            prev_index,
            signature,
        };
        // One value, one text: a different spelling of the same offer is refused.
        if offer.to_bytes().ok().as_deref() != Some(&bytes[..]) {
            return Err(malformed("not in canonical form"));
        }
        Ok(offer)
    }

    /// Checks the scanned labels against the list: the count, every code's tag, the digest of
    /// the set, and the total of their declared quantities.
    pub fn check_labels(
        &self,
        labels: &[(LabelCode, Quantity)],
    ) -> Result<Vec<LabelCode>, HandoverQrError> {
        for (code, _) in labels {
            if !self.lists(code) {
                return Err(HandoverQrError::NotOnList { code: code.clone() });
            }
        }
        let mut by_code: BTreeMap<&LabelCode, &Quantity> = BTreeMap::new();
        for (c, q) in labels {
            by_code.insert(c, q);
        }
        if by_code.len() != self.count() {
            return Err(HandoverQrError::CountMismatch {
                expected: self.count(),
                found: by_code.len(),
            });
        }
        if codes_digest(by_code.keys().copied()) != self.codes_digest {
            return Err(HandoverQrError::DigestMismatch);
        }
        let scanned = totals(by_code.values().copied());
        if scanned != self.total {
            return Err(HandoverQrError::TotalMismatch {
                declared: format_totals(&self.total),
                scanned: format_totals(&scanned),
            });
        }
        Ok(by_code.into_keys().cloned().collect())
    }

    /// Rebuilds the handover event from the offer and the containers' codes (as returned by
    /// [`HandoverOfferQr::check_labels`]) and checks the giver's signature on it.
    pub fn event(&self, codes: &[LabelCode]) -> Result<SignedEvent, HandoverQrError> {
        let mut sorted: Vec<LabelCode> = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != self.count() {
            return Err(HandoverQrError::CountMismatch {
                expected: self.count(),
                found: sorted.len(),
            });
        }
        if codes_digest(&sorted) != self.codes_digest {
            return Err(HandoverQrError::DigestMismatch);
        }
        let links = sorted
            .into_iter()
            .enumerate()
            .map(|(i, container)| {
                let p = if self.prevs.len() == 1 {
                    0
                } else {
                    self.prev_index[i] as usize
                };
                Link {
                    container,
                    prev: Some(self.prevs[p]),
                }
            })
            .collect();
        let giver = self.giver().key;
        let body = EventBody {
            v: EVENT_FORMAT_VERSION,
            at: self.at,
            by: self.taker.clone(),
            composer: giver,
            event: self.event.clone(),
            links,
            location: self.location.clone(),
            seq: self.seq,
        };
        let mut event = SignedEvent::unsigned(body);
        if !giver.verify(&event.id, &self.signature) {
            return Err(HandoverQrError::BadSignature);
        }
        event.signatures.push(Signature {
            key: giver,
            sig: self.signature,
        });
        Ok(event)
    }
}

/// The taker's acknowledgement QR code: the event id and the taker's signature on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandoverAckQr {
    /// The handover event.
    pub event: EventId,
    /// The taker's signature over it.
    pub signature: Signature,
}

impl HandoverAckQr {
    /// The acknowledgement of `event` by `taker` (whose signature it must hold).
    pub fn of(event: &SignedEvent, taker: &PublicKey) -> Option<Self> {
        let signature = *event.signatures.iter().find(|s| s.key == *taker)?;
        Some(HandoverAckQr {
            event: event.id,
            signature,
        })
    }

    /// The QR text: [`ACK_PREFIX`] and Base45 of id, key and signature (128 bytes).
    pub fn to_text(&self) -> String {
        let mut b = Vec::with_capacity(128);
        b.extend_from_slice(self.event.as_bytes());
        b.extend_from_slice(self.signature.key.as_bytes());
        b.extend_from_slice(self.signature.sig.as_bytes());
        format!("{ACK_PREFIX}{}", base45::encode(&b))
    }

    /// Reads an acknowledgement's text.
    pub fn parse(text: &str) -> Result<Self, HandoverQrError> {
        let bytes = strict_text(text, ACK_PREFIX)?;
        if bytes.len() != 128 {
            return Err(malformed(format!(
                "{} bytes, an acknowledgement has 128",
                bytes.len()
            )));
        }
        let mut r = Reader(&bytes);
        Ok(HandoverAckQr {
            event: EventId(r.array::<32>("event id")?),
            signature: Signature {
                key: PublicKey(r.array::<32>("key")?),
                sig: SignatureBytes(r.array::<64>("signature")?),
            },
        })
    }

    /// Whether the signature is the key's over the event id.
    pub fn verifies(&self) -> bool {
        self.signature.key.verify(&self.event, &self.signature.sig)
    }
}

/// What an identity code's text starts with.
pub const IDENTITY_PREFIX: &str = "YIMA-ID1:";

/// A device's identity as a QR code, shown to the other party before a handover so that the
/// offer can name it: organisation, its roles, the device's role and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityQr {
    /// The organisation.
    pub org: crate::model::Party,
    /// The organisation's roles.
    pub org_roles: Vec<Role>,
    /// The role the device records in.
    pub role: Role,
    /// The device's key.
    pub key: PublicKey,
}

impl IdentityQr {
    /// The QR text: [`IDENTITY_PREFIX`] and Base45. Fails when the name is over 255 bytes.
    pub fn to_text(&self) -> Result<String, HandoverQrError> {
        let mut w = Writer(Vec::with_capacity(96));
        w.actor(&Actor {
            org: self.org.credit_code.clone(),
            role: self.role,
            key: self.key,
        });
        w.u8(self
            .org_roles
            .iter()
            .fold(0, |m, r| m | (1 << role_byte(*r))));
        w.str(&self.org.name)?;
        Ok(format!("{IDENTITY_PREFIX}{}", base45::encode(&w.0)))
    }

    /// Reads an identity code's text.
    pub fn parse(text: &str) -> Result<Self, HandoverQrError> {
        let bytes = strict_text(text, IDENTITY_PREFIX)?;
        let mut r = Reader(&bytes);
        let actor = r.actor("identity")?;
        let mask = r.u8("roles")?;
        if mask >> Role::ALL.len() != 0 {
            return Err(malformed("unknown roles"));
        }
        let org_roles = Role::ALL
            .iter()
            .filter(|x| mask & (1 << role_byte(**x)) != 0)
            .copied()
            .collect();
        let name = r.str("name")?;
        if !r.0.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        Ok(IdentityQr {
            org: crate::model::Party {
                credit_code: actor.org,
                name,
            },
            org_roles,
            role: actor.role,
            key: actor.key,
        })
    }
}
