//! Route rules: a carrier's transport that ends with no track, a track with long gaps
//! between fixes or straying out of its corridor, and a relay whose two carriers' tracks do
//! not meet in time or place.
//!
//! Distances are in a local equirectangular projection: x = R·Δλ·cos φ₀, y = R·Δφ, with R
//! the Earth's mean radius and φ₀ the mean latitude of the points compared. Over a few
//! hundred kilometres away from the poles it errs by well under 1 % — plenty for corridors
//! of kilometres — and needs no iteration.

use super::{Anomaly, AnomalyConfig, AnomalyRule};
use crate::event::{EventKind, SignedEvent};
use crate::model::Timestamp;
use crate::role::Role;
use crate::signing::EventId;
use crate::track::{Fix, TrackDigest};
use yima_codes::{CreditCode, LabelCode, ManifestNumber};

/// The Earth's mean radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// One transport of a container: a carrier's custody from the pickup or relay that began it
/// to the handover (relay, receipt, return) it gave that ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    /// The carrier.
    pub carrier: CreditCode,
    /// The manifest it travelled under.
    pub manifest: ManifestNumber,
    /// The event that began it.
    pub started_by: EventId,
    /// When it began.
    pub started_at: Timestamp,
    /// The handover that ended it and when, `None` while in progress.
    pub ended: Option<(EventId, Timestamp)>,
    /// Whether the handover ending it is a relay to the next carrier.
    pub ended_by_relay: bool,
    /// The track the ending handover signs.
    pub track: Option<TrackDigest>,
}

/// The fixes held for the transport ended by `ended_by`. Used only when they are the track
/// that handover signs ([`TrackDigest::matches`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportFixes {
    /// The handover ending the transport.
    pub ended_by: EventId,
    /// Its fixes, canonical.
    pub fixes: Vec<Fix>,
}

/// The transports of a chain (oldest first), as `yima-device`'s routes show them.
pub fn transports(events: &[SignedEvent]) -> Vec<Transport> {
    let mut out = Vec::new();
    let mut open: Option<Transport> = None;
    for e in events {
        let ends = matches!(
            e.body.event,
            EventKind::RelayHandover { .. }
                | EventKind::Received { .. }
                | EventKind::Returned { .. }
        );
        if let (Some(o), Some(g)) = (&open, e.body.event.giver()) {
            if ends && g.org == o.carrier {
                let mut t = open.take().expect("checked");
                t.ended = Some((e.id, e.body.at));
                t.ended_by_relay = matches!(e.body.event, EventKind::RelayHandover { .. });
                t.track = e.body.track;
                out.push(t);
            }
        }
        match &e.body.event {
            EventKind::PickedUp { manifest, .. } | EventKind::RelayHandover { manifest, .. }
                if e.body.by.role == Role::Carrier =>
            {
                open = Some(Transport {
                    carrier: e.body.by.org.clone(),
                    manifest: manifest.clone(),
                    started_by: e.id,
                    started_at: e.body.at,
                    ended: None,
                    ended_by_relay: false,
                    track: None,
                });
            }
            _ => {}
        }
    }
    out.extend(open);
    out
}

fn radians(e7: i32) -> f64 {
    f64::from(e7) / 1e7 * std::f64::consts::PI / 180.0
}

/// Metres from fix `p` to the segment from `a` to `b`, in the local equirectangular
/// projection around their mean latitude (see the module's doc).
pub fn distance_to_segment_m(p: &Fix, a: &Fix, b: &Fix) -> f64 {
    let lat0 = (radians(a.lat_e7) + radians(b.lat_e7) + radians(p.lat_e7)) / 3.0;
    let xy = |f: &Fix| {
        (
            EARTH_RADIUS_M * radians(f.lon_e7) * lat0.cos(),
            EARTH_RADIUS_M * radians(f.lat_e7),
        )
    };
    let (px, py) = xy(p);
    let (ax, ay) = xy(a);
    let (bx, by) = xy(b);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    ((px - cx).powi(2) + (py - cy).powi(2)).sqrt()
}

/// The fixes held for `t`, when they are the track its ending handover signs.
fn signed_fixes<'a>(t: &Transport, fixes: &'a [TransportFixes]) -> Option<&'a [Fix]> {
    let (end, _) = t.ended?;
    let track = t.track?;
    fixes
        .iter()
        .find(|f| f.ended_by == end && track.matches(&f.fixes))
        .map(|f| f.fixes.as_slice())
}

fn anomaly(
    rule: AnomalyRule,
    c: &LabelCode,
    e: EventId,
    since: Timestamp,
    en: String,
    zh: String,
) -> Anomaly {
    Anomaly {
        rule,
        container: c.clone(),
        event: Some(e),
        since,
        due: None,
        en,
        zh,
    }
}

/// For each ended transport: no track signed ([`AnomalyRule::TrackMissing`]); and, when its
/// signed fixes are held, the longest gap between two fixes beyond the limit
/// ([`AnomalyRule::TrackGap`]) and the farthest fix off the corridor around the segment from
/// the first fix to the last ([`AnomalyRule::OffCorridor`]). A transport in progress is not
/// judged.
pub(super) fn track_anomalies(
    container: &LabelCode,
    transports: &[Transport],
    fixes: &[TransportFixes],
    config: &AnomalyConfig,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for t in transports {
        let Some((end, end_at)) = t.ended else {
            continue;
        };
        if t.track.is_none() {
            out.push(anomaly(
                AnomalyRule::TrackMissing,
                container,
                end,
                end_at,
                format!(
                    "carrier {} ended its transport under manifest {} with no route track",
                    t.carrier, t.manifest
                ),
                format!(
                    "承运人 {} 结束联单 {} 的运输时未提交运输轨迹",
                    t.carrier, t.manifest
                ),
            ));
            continue;
        }
        let Some(track) = signed_fixes(t, fixes) else {
            continue;
        };
        if let Some(w) = track
            .windows(2)
            .filter(|w| w[1].at.0 - w[0].at.0 > config.track_max_gap_ms)
            .max_by_key(|w| w[1].at.0 - w[0].at.0)
        {
            let minutes = (w[1].at.0 - w[0].at.0) / 60_000;
            out.push(anomaly(
                AnomalyRule::TrackGap,
                container,
                end,
                w[0].at,
                format!("no fix for {minutes} min from {} to {}", w[0].at, w[1].at),
                format!("{} 至 {} 共 {minutes} 分钟无定位", w[0].at, w[1].at),
            ));
        }
        let (Some(a), Some(b)) = (track.first(), track.last()) else {
            continue;
        };
        let farthest = track
            .iter()
            .map(|p| (p, distance_to_segment_m(p, a, b)))
            .filter(|(_, d)| *d > f64::from(config.corridor_m))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((p, d)) = farthest {
            let km = d / 1000.0;
            out.push(anomaly(
                AnomalyRule::OffCorridor,
                container,
                end,
                p.at,
                format!(
                    "a fix {km:.1} km from the line between the track's ends (corridor {} km)",
                    config.corridor_m / 1000
                ),
                format!(
                    "定位点偏离起止点连线 {km:.1} 公里（允许 {} 公里）",
                    config.corridor_m / 1000
                ),
            ));
        }
    }
    out
}

/// Each relay whose carriers' tracks do not meet: the giver's track ends, or the taker's
/// begins, more than the limit from the handover; or, when both tracks' fixes are held, the
/// giver's last fix and the taker's first are farther apart than the limit. A transport
/// without a track is [`AnomalyRule::TrackMissing`], not judged here.
pub(super) fn relay_gaps(
    container: &LabelCode,
    transports: &[Transport],
    fixes: &[TransportFixes],
    config: &AnomalyConfig,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for (i, giver) in transports.iter().enumerate() {
        let Some((relay, at)) = giver.ended else {
            continue;
        };
        if !giver.ended_by_relay {
            continue;
        }
        let taker = transports[i + 1..].iter().find(|t| t.started_by == relay);
        let mut en = Vec::new();
        let mut zh = Vec::new();
        if let Some(t) = giver.track {
            let gap = at.0 - t.last.0;
            if gap > config.relay_max_gap_ms {
                en.push(format!(
                    "the giving carrier's track ends {} min before the relay",
                    gap / 60_000
                ));
                zh.push(format!(
                    "交出承运人的轨迹在接驳前 {} 分钟结束",
                    gap / 60_000
                ));
            }
        }
        if let Some(t) = taker.and_then(|t| t.track) {
            let gap = t.first.0 - at.0;
            if gap > config.relay_max_gap_ms {
                en.push(format!(
                    "the taking carrier's track begins {} min after the relay",
                    gap / 60_000
                ));
                zh.push(format!(
                    "接收承运人的轨迹在接驳后 {} 分钟才开始",
                    gap / 60_000
                ));
            }
        }
        let ends = signed_fixes(giver, fixes).and_then(|f| f.last());
        let starts = taker
            .and_then(|t| signed_fixes(t, fixes))
            .and_then(|f| f.first());
        if let (Some(a), Some(b)) = (ends, starts) {
            let d = distance_to_segment_m(a, b, b);
            if d > f64::from(config.relay_max_distance_m) {
                en.push(format!(
                    "the two carriers' tracks are {:.1} km apart at the relay",
                    d / 1000.0
                ));
                zh.push(format!("接驳处两承运人的轨迹相距 {:.1} 公里", d / 1000.0));
            }
        }
        if !en.is_empty() {
            out.push(anomaly(
                AnomalyRule::RelayGap,
                container,
                relay,
                at,
                en.join("; "),
                zh.join("；"),
            ));
        }
    }
    out
}
