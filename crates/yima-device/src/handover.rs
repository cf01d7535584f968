//! Changes of custody with two signatures, offline: the giver composes and signs an offer,
//! the taker checks it (with the containers' history it carries), countersigns and stores
//! it, and returns an acknowledgement that the giver stores. Both then hold the same event.

use crate::clock::Clock;
use crate::error::{bad_input, DeviceError, ErrorKind};
use crate::identity::{device_key_dir, IdentityCard};
use crate::status::{append, check_time, load_status, require_statuses};
use crate::Device;
use std::collections::{BTreeMap, BTreeSet};
use yima_codes::{LabelCode, ManifestNumber};
use yima_core::{
    verify, Actor, ContainerStatus, EventBody, EventKind, PublicKey, RawEvent, SignedEvent,
    Timestamp, VerifyOptions, WireEvent, EVENT_FORMAT_VERSION,
};
use yima_store::{KeySource, Tx};

pub use yima_protocol::{HandoverAck, HandoverOffer, KeyCard, ACK_FORMAT, OFFER_FORMAT};

/// The kind of handover and its details.
#[derive(Clone, Debug)]
pub enum HandoverStep {
    /// Producer (or receiver, for refused waste) to carrier.
    Pickup {
        /// Manifest number.
        manifest: ManifestNumber,
        /// Vehicle plate.
        vehicle_plate: String,
        /// Driver.
        driver: String,
        /// Transport permit.
        permit: String,
    },
    /// Carrier to carrier.
    Relay {
        /// Manifest number.
        manifest: ManifestNumber,
        /// Next vehicle plate.
        vehicle_plate: String,
        /// Next driver.
        driver: String,
        /// Next carrier's permit.
        permit: String,
        /// Where.
        place: String,
    },
    /// Carrier to receiver.
    Receive {
        /// Manifest number.
        manifest: ManifestNumber,
    },
    /// Carrier back to the producer.
    Return {
        /// Why it comes back.
        reason: String,
    },
}

pub(crate) fn wire_error(e: yima_core::WireError) -> DeviceError {
    bad_handover(
        format!("not a valid event: {e}"),
        format!("不是有效事件：{e}"),
    )
}

pub(crate) fn bad_handover(en: impl Into<String>, zh: impl Into<String>) -> DeviceError {
    DeviceError::bilingual(ErrorKind::BadHandover, en, zh)
}

fn nonempty(v: String, en: &str, zh: &str) -> Result<String, DeviceError> {
    let v = v.trim().to_string();
    if v.is_empty() {
        return Err(bad_input(
            format!("{en} is required"),
            format!("必须填写{zh}"),
        ));
    }
    Ok(v)
}

impl HandoverStep {
    fn into_kind(self, giver: Actor) -> Result<EventKind, DeviceError> {
        Ok(match self {
            HandoverStep::Pickup {
                manifest,
                vehicle_plate,
                driver,
                permit,
            } => EventKind::PickedUp {
                driver: nonempty(driver, "the driver", "驾驶员")?,
                giver,
                manifest,
                permit: nonempty(permit, "the transport permit", "道路运输经营许可证号")?,
                vehicle_plate: nonempty(vehicle_plate, "the vehicle plate", "车牌号")?,
            },
            HandoverStep::Relay {
                manifest,
                vehicle_plate,
                driver,
                permit,
                place,
            } => EventKind::RelayHandover {
                driver: nonempty(driver, "the driver", "驾驶员")?,
                giver,
                manifest,
                permit: nonempty(permit, "the transport permit", "道路运输经营许可证号")?,
                place: nonempty(place, "the handover place", "交接地点")?,
                vehicle_plate: nonempty(vehicle_plate, "the vehicle plate", "车牌号")?,
            },
            HandoverStep::Receive { manifest } => EventKind::Received { giver, manifest },
            HandoverStep::Return { reason } => EventKind::Returned {
                giver,
                reason: nonempty(reason, "a reason", "原因")?,
            },
        })
    }
}

/// Every stored event touching `codes`, and those they link to, in arrival order.
fn history(
    tx: &Tx<'_>,
    codes: &[LabelCode],
) -> Result<(Vec<WireEvent>, BTreeSet<PublicKey>), DeviceError> {
    let mut todo: Vec<LabelCode> = codes.to_vec();
    let mut seen_codes: BTreeSet<LabelCode> = BTreeSet::new();
    let mut events: BTreeMap<i64, WireEvent> = BTreeMap::new();
    let mut signers = BTreeSet::new();
    while let Some(code) = todo.pop() {
        if !seen_codes.insert(code.clone()) {
            continue;
        }
        for row in tx.container_event_rows(&code)? {
            let raw = row.to_raw()?;
            let body = yima_core::decode(&raw.canonical).map_err(|e| {
                DeviceError::new(
                    ErrorKind::Storage,
                    format!("stored event {} is unreadable: {e}", raw.id),
                )
            })?;
            todo.extend(body.links.iter().map(|l| l.container.clone()));
            signers.extend(raw.signatures.iter().map(|s| s.key));
            events.entry(row.pos).or_insert_with(|| WireEvent {
                id: raw.id,
                body: String::from_utf8_lossy(&raw.canonical).into_owned(),
                signatures: raw.signatures,
            });
        }
    }
    Ok((events.into_values().collect(), signers))
}

/// Composes, signs, checks and keeps (as an offer) a handover of `codes` to `taker`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compose_offer(
    tx: &Tx<'_>,
    now: Timestamp,
    codes: &[LabelCode],
    taker: &IdentityCard,
    step: HandoverStep,
    at: Option<Timestamp>,
    location: Option<String>,
) -> Result<(SignedEvent, BTreeMap<LabelCode, ContainerStatus>), DeviceError> {
    if codes.is_empty() {
        return Err(bad_input("no container given", "未指定容器"));
    }
    let at = at.unwrap_or(now);
    check_time(at, now)?;
    let device = tx.require_device()?;
    let key = device.key.public();
    if taker.key == key {
        return Err(bad_input(
            "a device cannot hand over to itself",
            "设备不能与自己交接",
        ));
    }
    let statuses = require_statuses(tx, codes)?;
    let giver = Actor {
        org: device.org.credit_code.clone(),
        role: device.role,
        key,
    };
    let event = step.into_kind(giver.clone())?;
    let links = crate::status::links(&statuses, &[])?;
    // A carrier ending its transport signs the route its device recorded (or none).
    let track = crate::track::track_for(tx, &giver, &event, &statuses, at)?;
    let body = EventBody {
        v: EVENT_FORMAT_VERSION,
        at,
        by: taker.actor(),
        composer: key,
        event,
        links,
        location,
        // The body's operator is the recording party's (the taker's) person, whom the giver
        // cannot name; and the taker countersigns the body exactly as the giver signed it,
        // so it cannot add its own. An offer names none; the taker keeps its operator
        // beside the event (`event_operators`) when it countersigns.
        operator: None,
        track,
        seq: tx.next_seq(&key)?,
    };
    let event = SignedEvent::seal(body, &device.key);
    // Every rule is checked now, so the giver never shows an offer the taker must refuse.
    for l in &event.body.links {
        yima_core::apply(
            statuses.get(&l.container),
            event.id,
            &event.body,
            &l.container,
        )?;
    }
    tx.insert_offer(&event, &event.signatures[0], now)?;
    tx.add_known_key(&taker.known_key(KeySource::Handover), now)?;
    Ok((event, statuses))
}

/// [`compose_offer`], with the containers' history and the keys that signed it: the offer
/// shown as JSON or sent through the registry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compose_json_offer(
    tx: &Tx<'_>,
    now: Timestamp,
    codes: &[LabelCode],
    taker: &IdentityCard,
    step: HandoverStep,
    at: Option<Timestamp>,
    location: Option<String>,
) -> Result<HandoverOffer, DeviceError> {
    let (event, _) = compose_offer(tx, now, codes, taker, step, at, location)?;
    let (history, signers) = history(tx, codes)?;
    let keys = tx
        .known_keys()?
        .into_iter()
        .filter(|k| signers.contains(&k.key))
        .map(|k| KeyCard {
            key: k.key,
            org: k.org,
            org_name: k.org_name,
            roles: k.roles,
        })
        .collect();
    Ok(HandoverOffer {
        format: OFFER_FORMAT.into(),
        event: WireEvent::of(&event),
        history,
        keys,
    })
}

impl<C: Clock> Device<C> {
    /// As the giver, composes and signs a handover of `codes` to `taker`.
    pub fn offer_handover(
        &mut self,
        codes: &[LabelCode],
        taker: &IdentityCard,
        step: HandoverStep,
        at: Option<Timestamp>,
        location: Option<String>,
    ) -> Result<HandoverOffer, DeviceError> {
        let now = self.clock.now();
        self.store
            .write(|tx| compose_json_offer(tx, now, codes, taker, step, at, location))
    }

    /// As the taker, checks an offer and its history, countersigns, stores both and returns
    /// the acknowledgement for the giver.
    pub fn accept_handover(&mut self, offer: &HandoverOffer) -> Result<HandoverAck, DeviceError> {
        if offer.format != OFFER_FORMAT {
            return Err(bad_handover(
                format!("not a handover offer ({})", offer.format),
                "不是交接邀请",
            ));
        }
        let mut event = offer.event.parse().map_err(wire_error)?;
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
            event.countersign(&device.key);
            // Check the history and the event with the keys this device knows and those the
            // offer vouches for.
            let mut known = tx.known_keys()?;
            for k in &offer.keys {
                if !known.iter().any(|x| x.key == k.key) {
                    known.push(card_key(k));
                }
            }
            let mut raws: Vec<RawEvent> = offer.history.iter().map(WireEvent::raw).collect();
            raws.push(RawEvent::from(&event));
            let report = verify(&raws, &device_key_dir(&known), &VerifyOptions::default());
            if !report.ok() {
                let list: Vec<String> = report
                    .failures
                    .iter()
                    .map(|f| format!("{} {}: {}", f.event.short(), f.kind.as_str(), f.detail))
                    .collect();
                return Err(bad_handover(
                    format!("the offer does not verify: {}", list.join("; ")),
                    format!("交接邀请校验失败：{}", list.join("；")),
                ));
            }
            if tx.has_event(&event.id)? {
                // The same offer scanned again: nothing to store, show the acknowledgement again.
                return Ok(HandoverAck {
                    format: ACK_FORMAT.into(),
                    event: WireEvent::of(&event),
                });
            }
            for k in &offer.keys {
                tx.add_known_key(&card_key(k), now)?;
            }
            for wire in &offer.history {
                let e = wire.parse().map_err(wire_error)?;
                if tx.has_event(&e.id)? {
                    continue;
                }
                let codes: Vec<LabelCode> = e
                    .body
                    .links
                    .iter()
                    .filter(|l| l.prev.is_some())
                    .map(|l| l.container.clone())
                    .collect();
                let statuses = require_statuses(tx, &codes)?;
                append(tx, &e, &statuses, false, now)?;
            }
            let codes: Vec<LabelCode> = event
                .body
                .links
                .iter()
                .map(|l| l.container.clone())
                .collect();
            let statuses = require_statuses(tx, &codes)?;
            append(tx, &event, &statuses, true, now)?;
            Ok(HandoverAck {
                format: ACK_FORMAT.into(),
                event: WireEvent::of(&event),
            })
        })
    }

    /// As the giver, stores the dual-signed event from the taker's acknowledgement.
    pub fn confirm_handover(&mut self, ack: &HandoverAck) -> Result<SignedEvent, DeviceError> {
        if ack.format != ACK_FORMAT {
            return Err(bad_handover(
                format!("not a handover acknowledgement ({})", ack.format),
                "不是交接确认",
            ));
        }
        let event = ack.event.parse().map_err(wire_error)?;
        let now = self.clock.now();
        self.store.write(|tx| store_confirmed(tx, event, now))
    }
}

/// As the giver, checks an acknowledged event against the offer this device made, and stores
/// it with both signatures (once: a second confirmation of the same event changes nothing).
pub(crate) fn store_confirmed(
    tx: &Tx<'_>,
    event: SignedEvent,
    now: Timestamp,
) -> Result<SignedEvent, DeviceError> {
    let Some(offered) = tx.offer_body(&event.id)? else {
        return Err(bad_handover(
            "this device made no such offer",
            "本设备没有发出过此交接邀请",
        ));
    };
    if offered != event.canonical {
        return Err(bad_handover(
            "the acknowledgement differs from the offer",
            "交接确认与邀请不一致",
        ));
    }
    for key in event.body.required_signers() {
        match event.signatures.iter().find(|s| s.key == key) {
            Some(s) if key.verify(&event.id, &s.sig) => {}
            _ => {
                return Err(bad_handover(
                    format!("signature of key {} is missing or wrong", key.short()),
                    format!("密钥 {} 的签名缺失或无效", key.short()),
                ))
            }
        }
    }
    if tx.has_event(&event.id)? {
        return Ok(event);
    }
    let mut statuses = BTreeMap::new();
    for l in &event.body.links {
        if let Some(s) = load_status(tx, &l.container)? {
            statuses.insert(l.container.clone(), s);
        }
    }
    append(tx, &event, &statuses, true, now)?;
    Ok(event)
}

fn card_key(k: &KeyCard) -> yima_store::KnownKey {
    yima_store::KnownKey {
        key: k.key,
        org: k.org.clone(),
        org_name: k.org_name.clone(),
        roles: k.roles.clone(),
        source: KeySource::Handover,
        revoked_at: None,
    }
}
