//! Handovers online, when both devices are enrolled: the giver composes the same offer as
//! offline and queues it; sync sends it through the registry to the taker's device, which
//! keeps it until its driver scans the containers' labels and takes it (countersigned into
//! the outbox, as [`Device::accept_handover`]). The dual-signed event reaches the registry by
//! the taker's push and the giver's device by its pull.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::handover::{bad_handover, compose_json_offer, wire_error, HandoverStep};
use crate::handover_qr::{parse_label, OfferLabelCheck};
use crate::identity::{label_keys, IdentityCard};
use crate::Device;
use serde::Serialize;
use std::collections::BTreeSet;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{EventId, EventKind, LabelVerdict, SignedEvent, Timestamp};
use yima_protocol::{HandoverOffer, OFFER_FORMAT};
use yima_store::Tx;

/// An offer this device made online, as the giver sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentOffer {
    /// The handover event's id.
    pub id: EventId,
    /// The taker's organisation.
    pub taker_org: CreditCode,
    /// The containers handed over.
    pub codes: Vec<LabelCode>,
    /// The registry has it (the taker can fetch it).
    pub sent: bool,
    /// Taken: the dual-signed event is stored on this device.
    pub taken: bool,
}

/// An offer waiting for this device, with what a driver's screen shows of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedOffer {
    /// The handover event's id.
    pub id: EventId,
    /// The giver's organisation.
    pub giver_org: CreditCode,
    /// Its name (from the offer's key cards or the keys this device knows; empty if unknown).
    pub giver_org_name: String,
    /// `pickup`, `relay`, `receive` or `return`.
    pub kind: String,
    /// The manifest it travels under (none for a return).
    pub manifest: Option<String>,
    /// The containers offered.
    pub codes: Vec<LabelCode>,
    /// When the handover is dated.
    pub at: Timestamp,
    /// When this device received the offer.
    pub received_at: Timestamp,
}

fn stored_offer(body: &str) -> Result<(HandoverOffer, SignedEvent), DeviceError> {
    let offer: HandoverOffer = serde_json::from_str(body).map_err(|e| {
        DeviceError::new(
            ErrorKind::Storage,
            format!("a kept offer is unreadable: {e}"),
        )
    })?;
    let event = offer.event.parse().map_err(wire_error)?;
    Ok((offer, event))
}

fn codes_of(event: &SignedEvent) -> Vec<LabelCode> {
    event
        .body
        .links
        .iter()
        .map(|l| l.container.clone())
        .collect()
}

/// Whether `offer` is a well-formed handover offered to the device `me`: its event reads,
/// is a handover whose giver composed and signed it, and names `me` as the taker.
fn offered_to(offer: &HandoverOffer, me: &yima_core::PublicKey) -> Option<SignedEvent> {
    if offer.format != OFFER_FORMAT {
        return None;
    }
    let event = offer.event.parse().ok()?;
    let giver = event.body.event.giver()?;
    let composer = event.body.composer;
    let signed = event
        .signatures
        .iter()
        .any(|s| s.key == composer && composer.verify(&event.id, &s.sig));
    (giver.key == composer && composer != *me && event.body.by.key == *me && signed)
        .then_some(event)
}

fn not_received(id: &EventId) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::BadHandover,
        format!("no offer {} waits for this device", id.short()),
        format!("本设备没有待接收的交接邀请 {}", id.short()),
    )
}

/// The offer `id` received for this device and not taken yet.
fn waiting_offer(tx: &Tx<'_>, id: &EventId) -> Result<(HandoverOffer, SignedEvent), DeviceError> {
    let Some(row) = tx.received_offer(id)? else {
        return Err(not_received(id));
    };
    if tx.has_event(id)? {
        return Err(DeviceError::bilingual(
            ErrorKind::Duplicate,
            format!("offer {} was taken already", id.short()),
            format!("交接邀请 {} 已接收", id.short()),
        ));
    }
    stored_offer(&row.body)
}

/// The containers of the waiting offer `id` (for judging scanned labels against it).
pub(crate) fn waiting_offer_codes(
    tx: &Tx<'_>,
    id: &EventId,
) -> Result<BTreeSet<LabelCode>, DeviceError> {
    Ok(codes_of(&waiting_offer(tx, id)?.1).into_iter().collect())
}

fn kind_name(kind: &EventKind) -> (&'static str, Option<String>) {
    match kind {
        EventKind::PickedUp { manifest, .. } => ("pickup", Some(manifest.to_string())),
        EventKind::RelayHandover { manifest, .. } => ("relay", Some(manifest.to_string())),
        EventKind::Received { manifest, .. } => ("receive", Some(manifest.to_string())),
        _ => ("return", None),
    }
}

impl<C: Clock> Device<C> {
    /// As the giver, composes and signs a handover of `codes` to `taker` exactly as
    /// [`Device::offer_handover`], and queues the offer for the registry (sent at the next
    /// sync).
    pub fn offer_handover_online(
        &mut self,
        codes: &[LabelCode],
        taker: &IdentityCard,
        step: HandoverStep,
        at: Option<Timestamp>,
        location: Option<String>,
    ) -> Result<SentOffer, DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let offer = compose_json_offer(tx, now, codes, taker, step, at, location)?;
            let body = serde_json::to_string(&offer).expect("an offer serialises");
            tx.queue_online_offer(&offer.event.id, &body, now)?;
            let event = offer.event.parse().map_err(wire_error)?;
            Ok(SentOffer {
                id: event.id,
                taker_org: taker.org.credit_code.clone(),
                codes: codes_of(&event),
                sent: false,
                taken: false,
            })
        })
    }

    /// The offers queued for the registry and not sent yet, oldest first (for `yima-sync`).
    pub fn offers_to_send(&mut self) -> Result<Vec<HandoverOffer>, DeviceError> {
        self.store.read(|tx| {
            tx.queued_online_offers(true)?
                .iter()
                .map(|q| stored_offer(&q.body).map(|(o, _)| o))
                .collect()
        })
    }

    /// Records that the registry took the offers `ids`.
    pub fn mark_offers_sent(&mut self, ids: &[EventId]) -> Result<(), DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            for id in ids {
                tx.mark_online_offer_sent(id, now)?;
            }
            Ok(())
        })
    }

    /// Every offer this device made online, oldest first: sent yet, taken yet.
    pub fn sent_offers(&mut self) -> Result<Vec<SentOffer>, DeviceError> {
        self.store.read(|tx| {
            let mut out = Vec::new();
            for q in tx.queued_online_offers(false)? {
                let (_, event) = stored_offer(&q.body)?;
                out.push(SentOffer {
                    id: q.id,
                    taker_org: event.body.by.org.clone(),
                    codes: codes_of(&event),
                    sent: q.sent_at.is_some(),
                    taken: tx.has_event(&q.id)?,
                });
            }
            Ok(out)
        })
    }

    /// Keeps the offers the registry brought that are well formed, addressed to this device
    /// and new to it (not kept before, not taken); the others are left out. How many were new.
    pub fn store_received_offers(
        &mut self,
        offers: &[HandoverOffer],
    ) -> Result<usize, DeviceError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let me = tx.require_device()?.key.public();
            let mut new = 0;
            for offer in offers {
                let Some(event) = offered_to(offer, &me) else {
                    continue;
                };
                if tx.has_event(&event.id)? {
                    continue;
                }
                let body = serde_json::to_string(offer).expect("an offer serialises");
                if tx.insert_received_offer(&event.id, &body, now)? {
                    new += 1;
                }
            }
            Ok(new)
        })
    }

    /// The offers waiting for this device (received, not taken here yet), oldest first.
    pub fn received_offers(&mut self) -> Result<Vec<ReceivedOffer>, DeviceError> {
        self.store.read(|tx| {
            let known = tx.known_keys()?;
            let mut out = Vec::new();
            for row in tx.received_offers()? {
                if tx.has_event(&row.id)? {
                    continue;
                }
                let (offer, event) = stored_offer(&row.body)?;
                let Some(giver) = event.body.event.giver() else {
                    continue;
                };
                let giver_org_name = offer
                    .keys
                    .iter()
                    .find(|k| k.key == giver.key)
                    .map(|k| k.org_name.clone())
                    .or_else(|| {
                        known
                            .iter()
                            .find(|k| k.key == giver.key || k.org == giver.org)
                            .map(|k| k.org_name.clone())
                    })
                    .unwrap_or_default();
                let (kind, manifest) = kind_name(&event.body.event);
                out.push(ReceivedOffer {
                    id: row.id,
                    giver_org: giver.org.clone(),
                    giver_org_name,
                    kind: kind.into(),
                    manifest,
                    codes: codes_of(&event),
                    at: event.body.at,
                    received_at: row.received_at,
                });
            }
            Ok(out)
        })
    }

    /// As the taker, before taking: each scanned label text checked against the containers
    /// the waiting offer `id` lists and against what this device's organisation holds.
    pub fn check_received_offer_labels(
        &mut self,
        id: &EventId,
        labels: &[String],
    ) -> Result<Vec<OfferLabelCheck>, DeviceError> {
        let (_, event) = self.store.read(|tx| waiting_offer(tx, id))?;
        let listed: BTreeSet<LabelCode> = codes_of(&event).into_iter().collect();
        self.check_labels_against(labels, |code| listed.contains(code))
    }

    /// As the taker: takes the waiting offer `id` once the scanned `labels` (their QR texts)
    /// are exactly its containers (else `LabelMismatch`, nothing stored) and none is forged;
    /// checks, countersigns and stores the event as [`Device::accept_handover`] (to the outbox).
    pub fn take_received_offer(
        &mut self,
        id: &EventId,
        labels: &[String],
    ) -> Result<SignedEvent, DeviceError> {
        let (offer, event) = self.store.read(|tx| waiting_offer(tx, id))?;
        let listed: BTreeSet<LabelCode> = codes_of(&event).into_iter().collect();
        let mut scanned = BTreeSet::new();
        let mut payloads = Vec::new();
        for text in labels {
            let p = parse_label(text)?;
            let code = p.code().clone();
            if !listed.contains(&code) {
                return Err(DeviceError::bilingual(
                    ErrorKind::LabelMismatch,
                    format!("container {code} is not on this handover: do not load it"),
                    format!("容器 {code} 不在本次交接清单中，请勿装车"),
                ));
            }
            scanned.insert(code);
            payloads.push(p);
        }
        if let Some(missing) = listed.iter().find(|c| !scanned.contains(*c)) {
            return Err(DeviceError::bilingual(
                ErrorKind::LabelMismatch,
                format!("the label of container {missing} on this handover was not scanned"),
                format!("交接清单中的容器 {missing} 的标签未扫描"),
            ));
        }
        let by_id = self
            .store
            .read(|tx| Ok::<_, DeviceError>(label_keys(&tx.known_keys()?)))?;
        for p in &payloads {
            if let LabelVerdict::Forged = p.verify(|k| by_id.get(k).copied()) {
                let code = p.code();
                return Err(DeviceError::bilingual(
                    ErrorKind::ForgedLabel,
                    format!("the label of {code} is forged: its signature does not match"),
                    format!("容器 {code} 的标签签名不符，标签已被篡改"),
                ));
            }
        }
        let ack = self.accept_handover(&offer)?;
        ack.event.parse().map_err(|e| {
            bad_handover(
                format!("the countersigned event is unreadable: {e}"),
                format!("会签后的事件无法读取：{e}"),
            )
        })
    }
}

#[cfg(test)]
#[path = "handover_online/tests.rs"]
pub(crate) mod tests;
