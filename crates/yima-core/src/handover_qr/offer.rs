//! The giver's offer: the handover event without its container codes.

use super::bytes::{
    strict_text, unit_byte, unit_of, Reader, Writer, KIND_PICKED_UP, KIND_RECEIVED, KIND_RELAY,
    KIND_RETURNED,
};
use super::{
    code_tag, codes_digest, format_totals, malformed, not_offerable, totals, HandoverQrError,
    MAX_QR_TEXT, OFFER_PREFIX,
};
use crate::base45;
use crate::event::{Actor, EventBody, EventKind, Link, SignedEvent, EVENT_FORMAT_VERSION};
use crate::model::Timestamp;
use crate::quantity::{Quantity, Unit};
use crate::signing::{EventId, Signature, SignatureBytes};
use crate::track::TrackDigest;
use std::collections::BTreeMap;
use yima_codes::LabelCode;

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
    /// The carrier's route track the event signs, if any (a trailing block, absent when
    /// `None`: offers without one keep their text).
    pub track: Option<TrackDigest>,
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
        // The taker rebuilds the body from the code, which has no room for a person's name:
        // a giver's offer names none (it could not name the taker's person anyway).
        if body.operator.is_some() {
            return Err(not_offerable(
                "the event names an operator, which a handover QR code does not carry",
            ));
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
            track: body.track,
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
        if let Some(t) = &self.track {
            w.u8(1);
            w.bytes(&t.fixes.to_be_bytes());
            w.bytes(&t.first.0.to_be_bytes());
            w.bytes(&t.last.0.to_be_bytes());
            w.bytes(&t.sha256);
        }
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
        let track = if r.0.is_empty() {
            None
        } else {
            if r.u8("track")? != 1 {
                return Err(malformed("bad track flag"));
            }
            Some(TrackDigest {
                fixes: u32::from_be_bytes(r.array("track")?),
                first: Timestamp(i64::from_be_bytes(r.array("track")?)),
                last: Timestamp(i64::from_be_bytes(r.array("track")?)),
                sha256: r.array::<32>("track")?,
            })
        };
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
            track,
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
            operator: None,
            track: self.track,
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
