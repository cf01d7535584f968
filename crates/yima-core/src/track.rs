//! A carrier's route: location fixes recorded during a transport, their canonical bytes and
//! the digest a handover ending the transport signs (`EventBody::track`). Coordinates are
//! degrees × 10⁷ as integers, so no float is ever hashed or signed.

use crate::model::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// Domain separation for the digest of a track's canonical bytes.
pub const TRACK_DOMAIN: &[u8] = b"yima/track/v1\0";

/// Largest latitude, degrees × 10⁷ (90°).
pub const MAX_LAT_E7: i32 = 900_000_000;
/// Largest longitude, degrees × 10⁷ (180°).
pub const MAX_LON_E7: i32 = 1_800_000_000;

/// One location fix: where the carrier's device was, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fix {
    /// When the fix was taken.
    pub at: Timestamp,
    /// Latitude in degrees × 10⁷ (−900000000…900000000, north positive).
    pub lat_e7: i32,
    /// Longitude in degrees × 10⁷ (−1800000000…1800000000, east positive).
    pub lon_e7: i32,
    /// The fix's horizontal accuracy in metres, if the source says.
    #[serde(default)]
    pub accuracy_m: Option<u32>,
}

/// Why fixes (or their bytes) are not a track.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct TrackError {
    /// What is wrong, in English.
    pub en: String,
    /// What is wrong, in Chinese.
    pub zh: String,
}

impl TrackError {
    fn new(en: String, zh: String) -> TrackError {
        TrackError { en, zh }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: yima_codes::Lang) -> String {
        match lang {
            yima_codes::Lang::En => self.en.clone(),
            yima_codes::Lang::Zh => self.zh.clone(),
        }
    }
}

impl Fix {
    /// Checks the coordinates are on the globe (±90° latitude, ±180° longitude).
    pub fn check(&self) -> Result<(), TrackError> {
        if !(-MAX_LAT_E7..=MAX_LAT_E7).contains(&self.lat_e7) {
            return Err(TrackError::new(
                format!("latitude {} is beyond ±90°", self.lat_e7),
                format!("纬度 {} 超出 ±90°", self.lat_e7),
            ));
        }
        if !(-MAX_LON_E7..=MAX_LON_E7).contains(&self.lon_e7) {
            return Err(TrackError::new(
                format!("longitude {} is beyond ±180°", self.lon_e7),
                format!("经度 {} 超出 ±180°", self.lon_e7),
            ));
        }
        Ok(())
    }

    /// Degrees as written in a file (`"26.0745123"`) to degrees × 10⁷, exactly (up to seven
    /// decimals; more are refused, not rounded). `None` for anything else.
    pub fn parse_e7(text: &str) -> Option<i32> {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty()
            || int.len() > 3
            || frac.len() > 7
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && frac.is_empty())
        {
            return None;
        }
        let mut v: i64 = int.parse().ok()?;
        for i in 0..7 {
            v = v * 10 + frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        }
        i32::try_from(if neg { -v } else { v }).ok()
    }
}

/// The canonical list of `fixes`: sorted by time, one fix per moment (the first given for a
/// moment is kept), every fix checked.
pub fn canonical_fixes(fixes: &[Fix]) -> Result<Vec<Fix>, TrackError> {
    for f in fixes {
        f.check()?;
    }
    let mut out = fixes.to_vec();
    out.sort_by_key(|f| f.at);
    out.dedup_by_key(|f| f.at);
    Ok(out)
}

/// Checks `fixes` is a canonical list: every fix on the globe, times strictly ascending.
pub fn check_fixes(fixes: &[Fix]) -> Result<(), TrackError> {
    for f in fixes {
        f.check()?;
    }
    if let Some(w) = fixes.windows(2).find(|w| w[0].at >= w[1].at) {
        return Err(TrackError::new(
            format!(
                "fixes are not in ascending time: {} then {}",
                w[0].at, w[1].at
            ),
            format!("定位点未按时间严格递增：{} 之后为 {}", w[0].at, w[1].at),
        ));
    }
    Ok(())
}

/// Bytes of one fix: `at` (i64), `lat_e7`, `lon_e7` (i32), then 0, or 1 and the accuracy
/// (u32); big-endian.
fn put(out: &mut Vec<u8>, f: &Fix) {
    out.extend_from_slice(&f.at.0.to_be_bytes());
    out.extend_from_slice(&f.lat_e7.to_be_bytes());
    out.extend_from_slice(&f.lon_e7.to_be_bytes());
    match f.accuracy_m {
        None => out.push(0),
        Some(a) => {
            out.push(1);
            out.extend_from_slice(&a.to_be_bytes());
        }
    }
}

/// The canonical bytes of a track: the fixes' count (u32) then each fix (see
/// `docs/EVENT-ENCODING.md`). `fixes` must be canonical ([`check_fixes`]).
pub fn encode_track(fixes: &[Fix]) -> Result<Vec<u8>, TrackError> {
    check_fixes(fixes)?;
    let count = u32::try_from(fixes.len()).map_err(|_| {
        TrackError::new(
            "too many fixes for one track".into(),
            "一条轨迹的定位点过多".into(),
        )
    })?;
    let mut out = Vec::with_capacity(4 + fixes.len() * 21);
    out.extend_from_slice(&count.to_be_bytes());
    for f in fixes {
        put(&mut out, f);
    }
    Ok(out)
}

/// The fixes in a track's canonical bytes; anything else (trailing bytes, a fix off the
/// globe, times not strictly ascending, an accuracy flag other than 0 or 1) is refused.
pub fn decode_track(bytes: &[u8]) -> Result<Vec<Fix>, TrackError> {
    let bad = || {
        TrackError::new(
            "not the canonical bytes of a track".into(),
            "不是轨迹的规范字节".into(),
        )
    };
    let mut pos = 0usize;
    let mut take = |n: usize| -> Result<&[u8], TrackError> {
        let part = bytes.get(pos..pos + n).ok_or_else(bad)?;
        pos += n;
        Ok(part)
    };
    let count = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?);
    let mut fixes = Vec::new();
    for _ in 0..count {
        let at = i64::from_be_bytes(take(8)?.try_into().map_err(|_| bad())?);
        let lat_e7 = i32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?);
        let lon_e7 = i32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?);
        let accuracy_m = match take(1)?[0] {
            0 => None,
            1 => Some(u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?)),
            _ => return Err(bad()),
        };
        fixes.push(Fix {
            at: Timestamp(at),
            lat_e7,
            lon_e7,
            accuracy_m,
        });
    }
    if pos != bytes.len() {
        return Err(bad());
    }
    check_fixes(&fixes)?;
    Ok(fixes)
}

/// What a handover ending a transport signs of the carrier's route: how many fixes, the
/// first and last fix's time and the SHA-256 of the track's canonical bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackDigest {
    /// How many fixes.
    pub fixes: u32,
    /// The first fix's time.
    pub first: Timestamp,
    /// The last fix's time.
    pub last: Timestamp,
    /// SHA-256(`"yima/track/v1\0"` ‖ the track's canonical bytes), 64 lower-case hex digits
    /// in JSON.
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sha256: [u8; 32],
}

mod hex32 {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(serde::de::Error::custom(
                "sha256 must be 64 lower-case hex digits",
            ));
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

/// The digest of a canonical list of fixes ([`canonical_fixes`] makes one): the count, the
/// first and last time and the hash of the canonical bytes. Fixes given in another order
/// hash differently: the digest is defined on the sorted list only.
pub fn track_digest(fixes: &[Fix]) -> TrackDigest {
    let mut bytes = Vec::with_capacity(4 + fixes.len() * 21);
    bytes.extend_from_slice(&(fixes.len() as u32).to_be_bytes());
    for f in fixes {
        put(&mut bytes, f);
    }
    let mut h = Sha256::new();
    h.update(TRACK_DOMAIN);
    h.update(&bytes);
    TrackDigest {
        fixes: fixes.len() as u32,
        first: fixes.first().map_or(Timestamp(0), |f| f.at),
        last: fixes.last().map_or(Timestamp(0), |f| f.at),
        sha256: h.finalize().into(),
    }
}

impl TrackDigest {
    /// Whether `fixes` are a canonical track with this digest.
    pub fn matches(&self, fixes: &[Fix]) -> bool {
        check_fixes(fixes).is_ok() && track_digest(fixes) == *self
    }

    /// The hash as 64 lower-case hex digits.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
}

#[cfg(test)]
#[path = "track_tests.rs"]
mod tests;

/// Where a signed track may stand and what it may cover: only on a handover that ends a
/// carrier's custody of the containers of a manifest (`relay_handover`, `received`,
/// `returned`, given by a carrier), with at least one fix, its first fix not after its last,
/// its fixes not after the event (beyond [`crate::CLOCK_SKEW_MS`]) and, when the carrier's
/// custody start is known (`custody_since`: its pickup), not before it either. A body
/// without a track always passes.
pub fn check_track(
    body: &crate::event::EventBody,
    custody_since: Option<Timestamp>,
) -> Result<(), crate::custody::CustodyError> {
    use crate::event::EventKind;
    let Some(t) = &body.track else { return Ok(()) };
    let refuse = |en: String, zh: String| Err(crate::custody::CustodyError::Track { en, zh });
    let ends_transport = matches!(
        &body.event,
        EventKind::RelayHandover { giver, .. }
        | EventKind::Received { giver, .. }
        | EventKind::Returned { giver, .. } if giver.role == crate::role::Role::Carrier
    );
    if !ends_transport {
        return refuse(
            format!(
                "a {} event may not carry a route track: only a handover ending a carrier's transport may",
                body.step().as_str()
            ),
            format!(
                "{} 事件不得附带运输轨迹：只有结束承运人运输的交接可以附带",
                body.step().as_str()
            ),
        );
    }
    if t.fixes == 0 || t.first > t.last {
        return refuse(
            format!(
                "the track's digest is not one of a track ({} fixes, {} to {})",
                t.fixes, t.first, t.last
            ),
            format!(
                "轨迹摘要无效（{} 个定位点，{} 至 {}）",
                t.fixes, t.first, t.last
            ),
        );
    }
    let skew = crate::custody::CLOCK_SKEW_MS;
    if t.last.0 > body.at.0.saturating_add(skew) {
        return refuse(
            format!(
                "the track's last fix ({}) is after the handover ({})",
                t.last, body.at
            ),
            format!(
                "轨迹最后一个定位点（{}）晚于交接时间（{}）",
                t.last, body.at
            ),
        );
    }
    if let Some(since) = custody_since {
        if t.first.0 < since.0.saturating_sub(skew) {
            return refuse(
                format!(
                    "the track's first fix ({}) is before the carrier took the containers ({since})",
                    t.first
                ),
                format!("轨迹第一个定位点（{}）早于承运人接收容器的时间（{since}）", t.first),
            );
        }
    }
    Ok(())
}
