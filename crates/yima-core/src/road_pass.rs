//! The road-control pass (spec: `docs/ROAD-PASS.md`): a QR code a driver shows an inspector
//! at the roadside, signed by the carrier's device, valid for a short while (30 minutes by
//! default) and only for containers in transit with that carrier under one manifest. It
//! lets an inspector with no account read that manifest's containers and nothing more:
//! offline from the signed content, or from the registry, which checks the pass and answers
//! what it holds of those containers.
//!
//! ```
//! use yima_core::RoadPass;
//! // Any other text is "not a road pass", never a panic.
//! assert!(RoadPass::parse("YIMA1:ABC").is_err());
//! ```

use crate::base45;
use crate::custody::{ContainerStatus, CLOCK_SKEW_MS};
use crate::event::Actor;
use crate::handover_qr::bytes::{unit_byte, unit_of, Reader, Writer};
use crate::handover_qr::{HandoverQrError, MAX_QR_TEXT};
use crate::model::Timestamp;
use crate::quantity::Quantity;
use crate::role::Role;
use crate::signing::{DeviceKey, EventId, SignatureBytes};
use crate::state::ContainerState;
use chrono::Datelike;
use serde::Serialize;
use sha2::{Digest, Sha256};
use yima_codes::{CreditCode, LabelCode, Lang, ManifestNumber};

/// What a road pass's text starts with.
pub const ROAD_PASS_PREFIX: &str = "YIMA-RP1:";
/// Domain separator of the digest a road pass's signature covers.
pub const ROAD_PASS_DOMAIN: &[u8] = b"yima/road-pass/v1\0";
/// How long a pass is valid unless the driver chooses otherwise: 30 minutes.
pub const ROAD_PASS_DEFAULT_MINUTES: i64 = 30;
/// The longest a pass may be valid: 4 hours. A pass claiming longer is refused when read,
/// so a driver cannot hand out a lasting key to the manifest.
pub const ROAD_PASS_MAX_MINUTES: i64 = 240;

const MINUTE_MS: i64 = 60_000;

/// Why a road pass cannot be issued or is not good.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoadPassError {
    /// The text is not a road pass (any other QR code).
    #[error("not a Yima road pass: {text}")]
    NotRoadPass {
        /// The text, as read.
        text: String,
    },
    /// A road pass, but damaged or not in its one canonical form.
    #[error("damaged road pass: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// No container to show.
    #[error("a road pass needs at least one container in transit")]
    NoContainers,
    /// A container is not in transit (a pass is shown only on the road).
    #[error("container {code} is not in transit")]
    NotInTransit {
        /// The container.
        code: LabelCode,
    },
    /// A container is held by another organisation than the pass's carrier.
    #[error("container {code} is not in this carrier's custody")]
    NotCarried {
        /// The container.
        code: LabelCode,
    },
    /// A container travels under another manifest than the pass's.
    #[error("container {code} travels under another manifest")]
    OtherManifest {
        /// The container.
        code: LabelCode,
    },
    /// The signing key is not a carrier's.
    #[error("only a carrier's device shows a road pass")]
    NotCarrier,
    /// The validity asked for is out of bounds.
    #[error("a road pass is valid for 1 to {max} minutes, not {minutes}")]
    Validity {
        /// Minutes asked for (or claimed by a pass read).
        minutes: i64,
        /// The longest allowed.
        max: i64,
    },
    /// Too many containers for one QR code.
    #[error("{containers} containers do not fit in one road pass (at most {max}): show one per part of the load")]
    TooLarge {
        /// Containers asked for.
        containers: usize,
        /// The most one pass holds.
        max: usize,
    },
    /// The signature does not match the content: forged or altered.
    #[error("the road pass's signature does not match its content: forged or altered")]
    Forged,
    /// Past its end.
    #[error("the road pass expired at {expires_at}")]
    Expired {
        /// When it ended.
        expires_at: Timestamp,
    },
    /// Dated in the future (beyond clock skew).
    #[error("the road pass is dated {issued_at}, in the future")]
    NotYetValid {
        /// When it says it was issued.
        issued_at: Timestamp,
    },
}

impl RoadPassError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (RoadPassError::NotRoadPass { text }, Lang::Zh) => {
                format!("不是一码路检通行码：{text}")
            }
            (RoadPassError::Malformed { detail }, Lang::Zh) => {
                format!("路检通行码已损坏：{detail}")
            }
            (RoadPassError::NoContainers, Lang::Zh) => "路检通行码至少需要一个运输中的容器".into(),
            (RoadPassError::NotInTransit { code }, Lang::Zh) => format!("容器 {code} 不在运输中"),
            (RoadPassError::NotCarried { code }, Lang::Zh) => {
                format!("容器 {code} 不在本承运人的保管之下")
            }
            (RoadPassError::OtherManifest { code }, Lang::Zh) => {
                format!("容器 {code} 属于另一张联单")
            }
            (RoadPassError::NotCarrier, Lang::Zh) => "只有承运人的设备才能出示路检通行码".into(),
            (RoadPassError::Validity { minutes, max }, Lang::Zh) => {
                format!("路检通行码的有效期为 1 至 {max} 分钟，不能是 {minutes} 分钟")
            }
            (RoadPassError::TooLarge { containers, max }, Lang::Zh) => {
                format!("{containers} 个容器放不进一个路检通行码（最多 {max} 个）：请分批出示")
            }
            (RoadPassError::Forged, Lang::Zh) => "路检通行码的签名与内容不符：伪造或被篡改".into(),
            (RoadPassError::Expired { expires_at }, Lang::Zh) => {
                format!("路检通行码已于 {expires_at} 过期")
            }
            (RoadPassError::NotYetValid { issued_at }, Lang::Zh) => {
                format!("路检通行码的签发时间 {issued_at} 在未来")
            }
        }
    }
}

fn malformed(detail: impl Into<String>) -> RoadPassError {
    RoadPassError::Malformed {
        detail: detail.into(),
    }
}

impl From<HandoverQrError> for RoadPassError {
    fn from(e: HandoverQrError) -> Self {
        match e {
            HandoverQrError::Malformed { detail } | HandoverQrError::NotOfferable { detail } => {
                malformed(detail)
            }
            other => malformed(other.to_string()),
        }
    }
}

/// One container on a pass: its code and the quantity the carrier holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoadPassContainer {
    /// The container.
    pub code: LabelCode,
    /// Its quantity as the carrier's record has it (last measured, or as declared).
    pub quantity: Quantity,
}

/// A road-control pass: who carries what under which manifest, for how long, signed by the
/// carrier's device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoadPass {
    /// The manifest the containers travel under.
    pub manifest: ManifestNumber,
    /// The manifest's sender (移出人).
    pub sender: CreditCode,
    /// The manifest's receiver (接受人).
    pub receiver: CreditCode,
    /// The carrier and the device that signed the pass.
    pub carrier: Actor,
    /// The vehicle's plate, as the pickup recorded it (may be empty).
    pub vehicle_plate: String,
    /// When the carrier's custody began (the earliest of the containers').
    pub in_transit_since: Timestamp,
    /// When the pass was made.
    pub issued_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// The containers, by code ascending, each once.
    pub containers: Vec<RoadPassContainer>,
    signature: SignatureBytes,
}

/// A container's facts read from one byte layout entry (see the spec).
const ENTRY_BYTES: usize = 1 + 4 + 4 + 2 + 1 + 4;

impl RoadPass {
    /// The most containers one pass holds, with one producer among them (each further
    /// producer costs 18 bytes).
    pub fn max_containers() -> usize {
        // Base45 turns 2 bytes into 3 characters.
        let bytes = (MAX_QR_TEXT - ROAD_PASS_PREFIX.len()) / 3 * 2;
        (bytes - Self::fixed_bytes(18, 0)) / ENTRY_BYTES
    }

    fn fixed_bytes(producers: usize, plate: usize) -> usize {
        14 + 18 + 18 + 51 + 1 + plate + 8 * 3 + 1 + producers + 2 + 64
    }

    /// The pass for containers in transit with `carrier` under one manifest, valid from
    /// `now` for `minutes`, signed with `key` (which must be `carrier.key`).
    pub fn for_transport(
        statuses: &[ContainerStatus],
        carrier: Actor,
        vehicle_plate: &str,
        now: Timestamp,
        minutes: i64,
        key: &DeviceKey,
    ) -> Result<RoadPass, RoadPassError> {
        if carrier.role != Role::Carrier || key.public() != carrier.key {
            return Err(RoadPassError::NotCarrier);
        }
        if !(1..=ROAD_PASS_MAX_MINUTES).contains(&minutes) {
            return Err(RoadPassError::Validity {
                minutes,
                max: ROAD_PASS_MAX_MINUTES,
            });
        }
        let first = statuses.first().ok_or(RoadPassError::NoContainers)?;
        let manifest = first
            .manifest
            .clone()
            .ok_or_else(|| RoadPassError::NotInTransit {
                code: first.label.code.clone(),
            })?;
        let mut containers = Vec::with_capacity(statuses.len());
        let mut since = now;
        for s in statuses {
            let code = s.label.code.clone();
            if s.state != ContainerState::InTransit {
                return Err(RoadPassError::NotInTransit { code });
            }
            if s.holder != carrier.org {
                return Err(RoadPassError::NotCarried { code });
            }
            if s.manifest.as_ref().map(|m| &m.number) != Some(&manifest.number) {
                return Err(RoadPassError::OtherManifest { code });
            }
            since = since.min(s.custody_since.unwrap_or(now));
            containers.push(RoadPassContainer {
                code,
                quantity: s.quantity(),
            });
        }
        containers.sort_by(|a, b| a.code.cmp(&b.code));
        containers.dedup_by(|a, b| a.code == b.code);
        let mut pass = RoadPass {
            manifest: manifest.number,
            sender: manifest.sender.credit_code,
            receiver: manifest.receiver.credit_code,
            carrier,
            vehicle_plate: vehicle_plate.to_string(),
            in_transit_since: since,
            issued_at: now,
            expires_at: Timestamp(now.0 + minutes * MINUTE_MS),
            containers,
            signature: SignatureBytes([0; 64]),
        };
        let content = pass.content()?;
        if Self::text_len(content.len() + 64) > MAX_QR_TEXT {
            return Err(RoadPassError::TooLarge {
                containers: pass.containers.len(),
                max: Self::max_containers(),
            });
        }
        pass.signature = key.sign(&Self::digest_of(&content)).sig;
        Ok(pass)
    }

    fn text_len(bytes: usize) -> usize {
        ROAD_PASS_PREFIX.len() + bytes / 2 * 3 + (bytes % 2) * 2
    }

    fn digest_of(content: &[u8]) -> EventId {
        let mut h = Sha256::new();
        h.update(ROAD_PASS_DOMAIN);
        h.update(content);
        EventId(h.finalize().into())
    }

    /// The digest the signature covers (SHA-256 of the domain and the content bytes).
    pub fn digest(&self) -> EventId {
        Self::digest_of(
            &self
                .content()
                .expect("a pass read or made has a valid content"),
        )
    }

    /// The bytes before the signature (see the spec).
    fn content(&self) -> Result<Vec<u8>, RoadPassError> {
        let mut producers: Vec<&CreditCode> =
            self.containers.iter().map(|c| c.code.producer()).collect();
        producers.sort();
        producers.dedup();
        let mut w = Writer(Vec::with_capacity(256));
        w.bytes(self.manifest.as_str().as_bytes());
        w.bytes(self.sender.as_str().as_bytes());
        w.bytes(self.receiver.as_str().as_bytes());
        w.actor(&self.carrier);
        w.str(&self.vehicle_plate)?;
        for t in [self.in_transit_since, self.issued_at, self.expires_at] {
            w.bytes(&t.0.to_be_bytes());
        }
        w.u8(
            u8::try_from(producers.len()).map_err(|_| RoadPassError::TooLarge {
                containers: self.containers.len(),
                max: Self::max_containers(),
            })?,
        );
        for p in &producers {
            w.bytes(p.as_str().as_bytes());
        }
        let count = u16::try_from(self.containers.len()).map_err(|_| RoadPassError::TooLarge {
            containers: self.containers.len(),
            max: Self::max_containers(),
        })?;
        w.bytes(&count.to_be_bytes());
        for c in &self.containers {
            let p = producers
                .iter()
                .position(|p| *p == c.code.producer())
                .expect("every producer listed");
            w.u8(p as u8);
            let waste: u32 = c.code.waste_code().digits().parse().expect("8 digits");
            w.bytes(&waste.to_be_bytes());
            let d = c.code.date();
            let date = d.year() as u32 * 10_000 + d.month() * 100 + d.day();
            w.bytes(&date.to_be_bytes());
            w.bytes(&c.code.sequence().to_be_bytes());
            w.u8(unit_byte(c.quantity.unit));
            let milli = u32::try_from(c.quantity.milli)
                .map_err(|_| malformed("a quantity beyond the label's bounds"))?;
            w.bytes(&milli.to_be_bytes());
        }
        Ok(w.0)
    }

    /// The QR text: [`ROAD_PASS_PREFIX`] and Base45 of the content and the signature.
    pub fn to_text(&self) -> String {
        let mut b = self
            .content()
            .expect("a pass read or made has a valid content");
        b.extend_from_slice(self.signature.as_bytes());
        format!("{ROAD_PASS_PREFIX}{}", base45::encode(&b))
    }

    /// Reads a pass's text, strictly (one text per pass). Neither the signature nor the
    /// time is checked here: see [`RoadPass::check`].
    pub fn parse(text: &str) -> Result<RoadPass, RoadPassError> {
        let Some(rest) = text.strip_prefix(ROAD_PASS_PREFIX) else {
            return Err(RoadPassError::NotRoadPass { text: text.into() });
        };
        let bytes = base45::decode(rest).ok_or_else(|| malformed("not Base45"))?;
        let mut r = Reader(&bytes);
        let manifest = r.manifest()?;
        let sender = credit(&mut r, "sender")?;
        let receiver = credit(&mut r, "receiver")?;
        let carrier = r.actor("carrier")?;
        let vehicle_plate = r.str("vehicle plate")?;
        let mut times = [Timestamp(0); 3];
        for t in &mut times {
            *t = Timestamp(i64::from_be_bytes(r.array::<8>("times")?));
        }
        let [in_transit_since, issued_at, expires_at] = times;
        let n = r.u8("producers")? as usize;
        let mut producers = Vec::with_capacity(n);
        for _ in 0..n {
            producers.push(credit(&mut r, "producer")?);
        }
        let count = u16::from_be_bytes(r.array::<2>("count")?) as usize;
        let mut containers = Vec::with_capacity(count.min(bytes.len() / ENTRY_BYTES));
        for _ in 0..count {
            let p = producers
                .get(r.u8("container")? as usize)
                .ok_or_else(|| malformed("a container's producer is not listed"))?;
            let waste = u32::from_be_bytes(r.array::<4>("container")?);
            let date = u32::from_be_bytes(r.array::<4>("container")?);
            let seq = u16::from_be_bytes(r.array::<2>("container")?);
            let code: LabelCode = format!("{p}{waste:08}{date:08}{seq:03}")
                .parse()
                .map_err(|e| malformed(format!("a container code: {e}")))?;
            let unit = unit_of(r.u8("container")?).ok_or_else(|| malformed("unknown unit"))?;
            let milli = u32::from_be_bytes(r.array::<4>("container")?);
            let quantity = Quantity::new(i64::from(milli), unit)
                .map_err(|e| malformed(format!("a quantity: {e}")))?;
            containers.push(RoadPassContainer { code, quantity });
        }
        let signature = SignatureBytes(r.array::<64>("signature")?);
        if !r.0.is_empty() {
            return Err(malformed("bytes after the signature"));
        }
        let pass = RoadPass {
            manifest,
            sender,
            receiver,
            carrier,
            vehicle_plate,
            in_transit_since,
            issued_at,
            expires_at,
            containers,
            signature,
        };
        if pass.containers.is_empty() {
            return Err(RoadPassError::NoContainers);
        }
        // One text per pass: written back, the values give the very same text.
        if pass.to_text() != text {
            return Err(malformed("not in its canonical form"));
        }
        Ok(pass)
    }

    /// Checks what the pass can show by itself at `now`: its signature by the key it names,
    /// a carrier's, and its time (issued no later than clock skew ahead of `now`, not
    /// expired, valid for no longer than [`ROAD_PASS_MAX_MINUTES`]). Whether the key is a
    /// device of the carrier it names is for the reader's key directory to say.
    pub fn check(&self, now: Timestamp) -> Result<(), RoadPassError> {
        if self.carrier.role != Role::Carrier {
            return Err(RoadPassError::NotCarrier);
        }
        if !self.carrier.key.verify(&self.digest(), &self.signature) {
            return Err(RoadPassError::Forged);
        }
        let span = self.expires_at.0.saturating_sub(self.issued_at.0);
        if span <= 0 || span > ROAD_PASS_MAX_MINUTES * MINUTE_MS {
            return Err(RoadPassError::Validity {
                minutes: span / MINUTE_MS,
                max: ROAD_PASS_MAX_MINUTES,
            });
        }
        if self.issued_at.0 > now.0.saturating_add(CLOCK_SKEW_MS) {
            return Err(RoadPassError::NotYetValid {
                issued_at: self.issued_at,
            });
        }
        if now.0 >= self.expires_at.0 {
            return Err(RoadPassError::Expired {
                expires_at: self.expires_at,
            });
        }
        Ok(())
    }

    /// The signature.
    pub fn signature(&self) -> &SignatureBytes {
        &self.signature
    }

    /// Signs the pass as its fields now stand with `key`, checking no rule: what an altered
    /// app with a valid key could do (anyone may sign anything). What stops such a pass is
    /// the reader: [`RoadPass::check`], and the key's owner and the custody record at the
    /// registry. Tests of those checks make their attacks with it.
    pub fn sign_as_is(&mut self, key: &DeviceKey) -> Result<(), RoadPassError> {
        let content = self.content()?;
        self.signature = key.sign(&Self::digest_of(&content)).sig;
        Ok(())
    }
}

fn credit(r: &mut Reader<'_>, what: &str) -> Result<CreditCode, RoadPassError> {
    r.ascii(18, what)?
        .parse()
        .map_err(|e| malformed(format!("the {what}'s credit code: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Unit;

    /// A pass made by hand, signed by a carrier's key: what a driver's altered app could make.
    fn hand_made(minutes: i64) -> (RoadPass, DeviceKey) {
        let key = DeviceKey::from_secret(&[7; 32]);
        let mut pass = RoadPass {
            manifest: "20263501000123".parse().unwrap(),
            sender: "91350100M000100Y43".parse().unwrap(),
            receiver: "91350200MA3ABC8Q2E".parse().unwrap(),
            carrier: Actor {
                org: "91350100MA2XY80011".parse().unwrap(),
                role: Role::Carrier,
                key: key.public(),
            },
            vehicle_plate: String::new(),
            in_transit_since: Timestamp(1_000),
            issued_at: Timestamp(2_000),
            expires_at: Timestamp(2_000 + minutes * MINUTE_MS),
            containers: vec![RoadPassContainer {
                code: "91350100M000100Y439000414920240301007".parse().unwrap(),
                quantity: Quantity::new(25_000, Unit::Kg).unwrap(),
            }],
            signature: SignatureBytes([0; 64]),
        };
        pass.signature = key.sign(&pass.digest()).sig;
        (pass, key)
    }

    #[test]
    fn a_signed_pass_claiming_longer_than_the_longest_validity_is_refused() {
        let (pass, _) = hand_made(ROAD_PASS_MAX_MINUTES);
        assert_eq!(pass.check(Timestamp(3_000)), Ok(()));
        let (pass, _) = hand_made(ROAD_PASS_MAX_MINUTES + 1);
        let read = RoadPass::parse(&pass.to_text()).unwrap();
        assert_eq!(
            read.check(Timestamp(3_000)),
            Err(RoadPassError::Validity {
                minutes: ROAD_PASS_MAX_MINUTES + 1,
                max: ROAD_PASS_MAX_MINUTES
            })
        );
        let (pass, _) = hand_made(0);
        assert!(matches!(
            pass.check(Timestamp(2_000)),
            Err(RoadPassError::Validity { .. })
        ));
    }

    #[test]
    fn a_pass_signed_by_a_key_that_is_not_a_carriers_is_refused() {
        let (mut pass, key) = hand_made(30);
        pass.carrier.role = Role::Producer;
        pass.signature = key.sign(&pass.digest()).sig;
        assert_eq!(pass.check(Timestamp(3_000)), Err(RoadPassError::NotCarrier));
    }
}
