//! The offline handover over QR codes (`docs/HANDOVER-QR.md`): the giver shows an offer QR,
//! the taker scans every container's label and the offer, checks them, countersigns, stores
//! the event and shows an acknowledgement QR, which the giver scans to store the same
//! dual-signed event. Unlike the JSON offer, the QR offer carries no history: a taker that has
//! never seen the containers keeps their scanned labels and holds the chains from this
//! handover on, until sync brings the rest.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::handover::{bad_handover, compose_offer, store_confirmed, HandoverStep};
use crate::identity::{label_keys, IdentityCard};
use crate::status::{check_time, load_status, scanned_label};
use crate::Device;
use serde::Serialize;
use std::collections::BTreeMap;
use yima_codes::{LabelCode, Lang};
use yima_core::{
    apply, resume, HandoverAckQr, HandoverOfferQr, HandoverQrError, IdentityQr, LabelPayload,
    LabelVerdict, Quantity, SignedEvent, Timestamp,
};
use yima_store::{KeySource, KnownKey, NewEvent};

pub(crate) fn qr_error(e: HandoverQrError) -> DeviceError {
    let kind = match e {
        HandoverQrError::NotOnList { .. }
        | HandoverQrError::CountMismatch { .. }
        | HandoverQrError::DigestMismatch
        | HandoverQrError::TotalMismatch { .. } => ErrorKind::LabelMismatch,
        HandoverQrError::NotOfferable { .. } => ErrorKind::BadInput,
        _ => ErrorKind::BadHandover,
    };
    DeviceError::bilingual(kind, e.message(Lang::En), e.message(Lang::Zh))
}

/// What the taker learned in accepting a handover over QR codes.
#[derive(Clone, Debug, Serialize)]
pub struct QrAcceptance {
    /// The acknowledgement to show the giver.
    #[serde(skip)]
    pub ack: HandoverAckQr,
    /// The acknowledgement's QR text.
    pub ack_text: String,
    /// The dual-signed event, as stored.
    #[serde(skip)]
    pub event: SignedEvent,
    /// The event id.
    pub event_id: String,
    /// Labels whose producer key this device does not know yet: their signature is not
    /// checkable until the key directory syncs (not forged: unknown).
    pub labels_not_checkable: Vec<LabelCode>,
    /// Containers whose history this device has not seen: it holds them from this handover
    /// on, until sync brings the rest.
    pub without_history: Vec<LabelCode>,
}

/// How a scanned label stands against an offer, for flagging it before loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelOnOffer {
    /// On the list.
    Listed,
    /// Not on the list: do not load it.
    NotListed,
}

/// Checks one scanned label text against an offer's list (pure: for a scanner to flag a
/// container that is not part of the handover the moment its label is read).
pub fn label_on_offer(offer: &str, label: &str) -> Result<LabelOnOffer, DeviceError> {
    let offer = HandoverOfferQr::parse(offer).map_err(qr_error)?;
    let label = parse_label(label)?;
    Ok(if offer.lists(label.code()) {
        LabelOnOffer::Listed
    } else {
        LabelOnOffer::NotListed
    })
}

/// One scanned label checked against an offer, for the taker's screen.
#[derive(Clone, Debug, Serialize)]
pub struct OfferLabelCheck {
    /// The label's container code.
    pub code: LabelCode,
    /// On the offer's list or not.
    pub on_offer: LabelOnOffer,
    /// This device's organisation already holds the container in transit: picked up
    /// before, so loading it again is a mistake (or a copied label).
    pub already_held: bool,
}

pub(crate) fn parse_label(text: &str) -> Result<LabelPayload, DeviceError> {
    LabelPayload::parse(text).map_err(|e| {
        DeviceError::bilingual(
            ErrorKind::BadInput,
            e.message(Lang::En),
            e.message(Lang::Zh),
        )
    })
}

impl IdentityCard {
    /// The card as the text of an identity QR code.
    pub fn to_qr_text(&self) -> Result<String, DeviceError> {
        IdentityQr {
            org: self.org.clone(),
            org_roles: self.org_roles.clone(),
            role: self.role,
            key: self.key,
        }
        .to_text()
        .map_err(qr_error)
    }

    /// Reads an identity QR code's text.
    pub fn from_qr_text(text: &str) -> Result<IdentityCard, DeviceError> {
        let q = IdentityQr::parse(text).map_err(qr_error)?;
        Ok(IdentityCard {
            org: q.org,
            org_roles: q.org_roles,
            role: q.role,
            key: q.key,
        })
    }
}

impl<C: Clock> Device<C> {
    /// As the giver, composes and signs a handover of `codes` to `taker` and returns the
    /// offer to show as a QR code.
    pub fn offer_handover_qr(
        &mut self,
        codes: &[LabelCode],
        taker: &IdentityCard,
        step: HandoverStep,
        at: Option<Timestamp>,
        location: Option<String>,
    ) -> Result<HandoverOfferQr, DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let (event, statuses) = compose_offer(tx, now, codes, taker, step, at, location)?;
            let declared: Vec<Quantity> = event
                .body
                .links
                .iter()
                .map(|l| statuses[&l.container].label.quantity)
                .collect();
            HandoverOfferQr::of(&event, &declared).map_err(qr_error)
        })
    }

    /// As the taker, before accepting: each scanned label checked against the offer's list
    /// and against what this device already holds, so the screen can warn loudly about a
    /// container that is not part of the handover or was already picked up.
    pub fn check_offer_labels(
        &mut self,
        offer: &str,
        labels: &[String],
    ) -> Result<Vec<OfferLabelCheck>, DeviceError> {
        let parsed = HandoverOfferQr::parse(offer).map_err(qr_error)?;
        self.check_labels_against(labels, |code| parsed.lists(code))
    }

    /// Each scanned label text checked against an offer's list (`lists`) and against what
    /// this device's organisation already holds in transit (shared by the QR and the online
    /// handover).
    pub(crate) fn check_labels_against(
        &mut self,
        labels: &[String],
        lists: impl Fn(&LabelCode) -> bool,
    ) -> Result<Vec<OfferLabelCheck>, DeviceError> {
        let me = self.identity()?.org.credit_code.to_string();
        let mut out = Vec::new();
        for text in labels {
            let label = parse_label(text)?;
            let code = label.code().clone();
            let already_held = match self.container(&code) {
                Ok(view) => view.holder == me && view.state == yima_core::ContainerState::InTransit,
                Err(e) if e.kind() == ErrorKind::UnknownContainer => false,
                Err(e) => return Err(e),
            };
            out.push(OfferLabelCheck {
                on_offer: if lists(&code) {
                    LabelOnOffer::Listed
                } else {
                    LabelOnOffer::NotListed
                },
                code,
                already_held,
            });
        }
        Ok(out)
    }

    /// As the taker: checks the scanned `labels` (their QR texts) against the `offer` (its QR
    /// text), rebuilds the event, checks the giver's signature and every custody rule it can,
    /// countersigns, stores it and returns the acknowledgement to show the giver.
    pub fn accept_handover_qr(
        &mut self,
        offer: &str,
        labels: &[String],
    ) -> Result<QrAcceptance, DeviceError> {
        let offer = HandoverOfferQr::parse(offer).map_err(qr_error)?;
        let mut payloads: BTreeMap<LabelCode, (LabelPayload, String)> = BTreeMap::new();
        for text in labels {
            let p = parse_label(text)?;
            payloads.insert(p.code().clone(), (p, text.clone()));
        }
        let scanned: Vec<(LabelCode, Quantity)> = payloads
            .iter()
            .map(|(c, (p, _))| (c.clone(), p.quantity()))
            .collect();
        let codes = offer.check_labels(&scanned).map_err(qr_error)?;
        let mut event = offer.event(&codes).map_err(qr_error)?;
        let now = self.clock.now();
        check_time(event.body.at, now)?;
        self.store.write(|tx| {
            let device = tx.require_device()?;
            let me = device.key.public();
            if event.body.by.key != me || event.body.composer == me {
                return Err(bad_handover(
                    "this offer is for another device",
                    "此交接邀请不是给本设备的",
                ));
            }
            // Labels: forged ones stop the handover; unknown producer keys are noted.
            let by_id = label_keys(&tx.known_keys()?);
            let mut labels_not_checkable = Vec::new();
            for (code, (p, _)) in &payloads {
                match p.verify(|id| by_id.get(id).copied()) {
                    LabelVerdict::Valid { .. } => {}
                    LabelVerdict::KeyUnknown { .. } => labels_not_checkable.push(code.clone()),
                    LabelVerdict::Forged => {
                        return Err(DeviceError::bilingual(
                            ErrorKind::ForgedLabel,
                            format!("the label of {code} is forged: its signature does not match"),
                            format!("容器 {code} 的标签签名不符，标签已被篡改"),
                        ))
                    }
                }
            }
            event.countersign(&device.key);
            let ack = HandoverAckQr::of(&event, &me).expect("countersigned above");
            if tx.has_event(&event.id)? {
                // The same offer scanned again: show the acknowledgement again.
                return Ok(acceptance(ack, event, labels_not_checkable, Vec::new()));
            }
            let mut after = Vec::with_capacity(event.body.links.len());
            let mut without_history = Vec::new();
            for l in &event.body.links {
                let prev = l.prev.expect("offers chain every container");
                let status = match load_status(tx, &l.container)? {
                    Some(s) if s.head != prev => {
                        return Err(bad_handover(
                            format!(
                                "this device's record of {} ends at event {}, the offer follows {}: sync, then scan again",
                                l.container,
                                s.head.short(),
                                prev.short()
                            ),
                            format!(
                                "本设备记录的容器 {} 最新事件为 {}，交接邀请接在 {} 之后：请先同步再扫描",
                                l.container,
                                s.head.short(),
                                prev.short()
                            ),
                        ))
                    }
                    Some(s) => apply(Some(&s), event.id, &event.body, &l.container)?,
                    None => {
                        let (_, text) = &payloads[&l.container];
                        without_history.push(l.container.clone());
                        resume(
                            scanned_label(&l.container, text)?,
                            event.id,
                            &event.body,
                            &l.container,
                        )?
                    }
                };
                after.push((status.state, status.holder));
            }
            let giver = offer.giver();
            tx.add_known_key(
                &KnownKey {
                    key: giver.key,
                    org: giver.org.clone(),
                    org_name: String::new(),
                    roles: vec![giver.role],
                    source: KeySource::Handover,
                    revoked_at: None,
                },
                now,
            )?;
            tx.append_event(&NewEvent {
                event: &event,
                after,
                outbox: true,
                stored_at: now,
            })?;
            for code in &without_history {
                let (_, text) = &payloads[code];
                tx.insert_scanned_label(code, text, &event.id, now)?;
            }
            // The statuses this event leaves are folded again when next needed.
            for l in &event.body.links {
                tx.forget_status(&l.container);
            }
            Ok(acceptance(ack, event, labels_not_checkable, without_history))
        })
    }

    /// As the giver: checks the taker's acknowledgement (its QR text) against the offer this
    /// device made and stores the dual-signed event.
    pub fn confirm_handover_qr(&mut self, ack: &str) -> Result<SignedEvent, DeviceError> {
        let ack = HandoverAckQr::parse(ack).map_err(qr_error)?;
        if !ack.verifies() {
            return Err(bad_handover(
                "the acknowledgement's signature is wrong",
                "交接确认的签名无效",
            ));
        }
        let now = self.clock.now();
        self.store.write(|tx| {
            let device = tx.require_device()?;
            let Some(body) = tx.offer_body(&ack.event)? else {
                return Err(bad_handover(
                    "this device made no such offer",
                    "本设备没有发出过此交接邀请",
                ));
            };
            let mut event = SignedEvent::from_parts(ack.event, body, Vec::new()).map_err(|e| {
                DeviceError::new(ErrorKind::Storage, format!("stored offer unreadable: {e}"))
            })?;
            if event.body.by.key != ack.signature.key {
                return Err(bad_handover(
                    "the acknowledgement is signed by another device than the offer's taker",
                    "交接确认不是由邀请中的接收方设备签名的",
                ));
            }
            // Ed25519 is deterministic: signing again gives the signature the offer showed.
            event.countersign(&device.key);
            event.signatures.push(ack.signature);
            store_confirmed(tx, event, now)
        })
    }
}

fn acceptance(
    ack: HandoverAckQr,
    event: SignedEvent,
    labels_not_checkable: Vec<LabelCode>,
    without_history: Vec<LabelCode>,
) -> QrAcceptance {
    QrAcceptance {
        ack_text: ack.to_text(),
        ack,
        event_id: event.id.to_string(),
        event,
        labels_not_checkable,
        without_history,
    }
}

#[cfg(test)]
mod tests {
    use crate::handover_online::tests::{
        dispatched, label_text, pickup_offer_text, producer_and_carrier,
    };
    use crate::ManualClock;
    use yima_core::{ContainerState, Timestamp};

    #[test]
    fn a_taker_lists_what_it_took_over_qr_and_flags_labels_off_the_list_or_taken_twice() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(1_772_409_600_000)); // 2026-03-02
        let (mut producer, mut carrier) = producer_and_carrier(dir.path(), &clock);
        let (oil, other) = dispatched(&mut producer);
        let offer = pickup_offer_text(&mut producer, &mut carrier, &oil);
        let label = label_text;
        let labels = vec![label(&mut producer, &oil), label(&mut producer, &other)];

        let checks = carrier.check_offer_labels(&offer, &labels).unwrap();
        assert_eq!(checks[0].on_offer, super::LabelOnOffer::Listed);
        assert!(!checks[0].already_held);
        assert_eq!(checks[1].on_offer, super::LabelOnOffer::NotListed);

        let ack = carrier.accept_handover_qr(&offer, &labels[..1]).unwrap();
        producer.confirm_handover_qr(&ack.ack_text).unwrap();
        // The carrier lists the drum it holds, known by its scanned label only.
        let held = carrier.containers().unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].code, oil.to_string());
        assert_eq!(held[0].state, ContainerState::InTransit);
        assert_eq!(held[0].quantity, "180 kg");
        // Read again, its label is flagged as already picked up.
        let checks = carrier.check_offer_labels(&offer, &labels[..1]).unwrap();
        assert!(checks[0].already_held);
    }
}
