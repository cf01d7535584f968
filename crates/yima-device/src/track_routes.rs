//! A container's transports as the regulator's timeline shows them on a map: each segment
//! from a carrier's pickup (or relay) to the handover ending it, the fixes this device holds
//! for it and whether they are the route the closing handover signed.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use serde::Serialize;
use yima_codes::LabelCode;
use yima_core::{track_digest, transports, Fix, Timestamp, TrackDigest, Transport, CLOCK_SKEW_MS};

/// Whether a transport's fixes are the route its closing handover signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RouteVerdict {
    /// The fixes held hash to the signed digest.
    Verified,
    /// Fixes are held for the signed span but hash to another digest.
    Mismatch,
    /// A digest is signed, but its fixes are not on this device.
    FixesMissing,
    /// The handover ending the transport signs no track (an anomaly to look at).
    NoTrack,
    /// The transport has not ended.
    InProgress,
}

/// One fix as the map draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FixView {
    /// Milliseconds since 1970 UTC.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    /// Latitude, degrees × 10⁷.
    pub lat_e7: i32,
    /// Longitude, degrees × 10⁷.
    pub lon_e7: i32,
    /// Horizontal accuracy in metres, if known.
    pub accuracy_m: Option<u32>,
}

impl From<&Fix> for FixView {
    fn from(f: &Fix) -> FixView {
        FixView {
            at: f.at.0,
            lat_e7: f.lat_e7,
            lon_e7: f.lon_e7,
            accuracy_m: f.accuracy_m,
        }
    }
}

/// The track a closing handover signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrackView {
    /// How many fixes.
    pub fixes: u32,
    /// The first fix's time (ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub first: i64,
    /// The last fix's time (ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last: i64,
    /// SHA-256 of the track's canonical bytes, hex.
    pub sha256: String,
}

impl From<&TrackDigest> for TrackView {
    fn from(t: &TrackDigest) -> TrackView {
        TrackView {
            fixes: t.fixes,
            first: t.first.0,
            last: t.last.0,
            sha256: t.sha256_hex(),
        }
    }
}

/// One transport of a container: a carrier's custody from the handover that began it to the
/// one that ended it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteView {
    /// The carrier's credit code.
    pub carrier: String,
    /// The manifest it travelled under.
    pub manifest: String,
    /// The event that began it (pickup or relay), hex id.
    pub started_by: String,
    /// When it began (ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub started_at: i64,
    /// The handover that ended it, hex id; `None` while in progress.
    pub ended_by: Option<String>,
    /// When it ended (ms).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ended_at: Option<i64>,
    /// The track the closing handover signs, if any.
    pub track: Option<TrackView>,
    /// The fixes this device holds for it, by time.
    pub fixes: Vec<FixView>,
    /// Whether they are the signed route.
    pub verdict: RouteVerdict,
}

/// A segment's verdict from what the closing handover signs and the fixes held for its span.
pub(crate) fn verdict(closed: bool, track: Option<&TrackDigest>, held: &[Fix]) -> RouteVerdict {
    match (closed, track) {
        (false, _) => RouteVerdict::InProgress,
        (true, None) => RouteVerdict::NoTrack,
        (true, Some(_)) if held.is_empty() => RouteVerdict::FixesMissing,
        (true, Some(t)) if track_digest(held) == *t => RouteVerdict::Verified,
        (true, Some(_)) => RouteVerdict::Mismatch,
    }
}

impl<C: Clock> Device<C> {
    /// The transports of container `code`, oldest first: each carrier's custody from its
    /// pickup (or relay) to the handover ending it, or still in progress, with the fixes this
    /// device holds for it and a [`RouteVerdict`].
    pub fn routes(&mut self, code: &LabelCode) -> Result<Vec<RouteView>, DeviceError> {
        self.store.read(|tx| {
            let rows = tx.container_event_rows(code)?;
            if rows.is_empty() {
                return Err(DeviceError::bilingual(
                    ErrorKind::UnknownContainer,
                    format!("no record of container {code}"),
                    format!("没有容器 {code} 的记录"),
                ));
            }
            let events = rows
                .into_iter()
                .map(|row| crate::stored::signed(row.to_raw()?))
                .collect::<Result<Vec<_>, DeviceError>>()?;
            let close = |t: Transport| -> Result<RouteView, DeviceError> {
                let start = t.started_at;
                let held = match (&t.track, t.ended) {
                    (Some(track), _) => {
                        tx.fixes_between(&t.manifest, &t.carrier, track.first, track.last)?
                    }
                    (None, Some((_, end))) => tx.fixes_between(
                        &t.manifest,
                        &t.carrier,
                        Timestamp(start.0 - CLOCK_SKEW_MS),
                        Timestamp(end.0 + CLOCK_SKEW_MS),
                    )?,
                    (None, None) => tx.fixes_between(
                        &t.manifest,
                        &t.carrier,
                        Timestamp(start.0 - CLOCK_SKEW_MS),
                        Timestamp(i64::MAX),
                    )?,
                };
                Ok(RouteView {
                    carrier: t.carrier.to_string(),
                    manifest: t.manifest.to_string(),
                    started_by: t.started_by.to_string(),
                    started_at: start.0,
                    ended_by: t.ended.map(|(id, _)| id.to_string()),
                    ended_at: t.ended.map(|(_, at)| at.0),
                    track: t.track.as_ref().map(TrackView::from),
                    fixes: held.iter().map(FixView::from).collect(),
                    verdict: verdict(t.ended.is_some(), t.track.as_ref(), &held),
                })
            };
            // The core's one reckoning of a chain's transports (as the anomaly rules see them).
            let out = transports(&events)
                .into_iter()
                .map(close)
                .collect::<Result<Vec<_>, DeviceError>>()?;
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(at: i64, lat: i32) -> Fix {
        Fix {
            at: Timestamp(at),
            lat_e7: lat,
            lon_e7: 1_192_965_000,
            accuracy_m: None,
        }
    }

    #[test]
    fn a_verdict_for_every_case() {
        let fixes = vec![fix(1, 1), fix(2, 2)];
        let signed = track_digest(&fixes);
        assert_eq!(
            verdict(false, Some(&signed), &fixes),
            RouteVerdict::InProgress
        );
        assert_eq!(verdict(true, None, &fixes), RouteVerdict::NoTrack);
        assert_eq!(
            verdict(true, Some(&signed), &[]),
            RouteVerdict::FixesMissing
        );
        assert_eq!(verdict(true, Some(&signed), &fixes), RouteVerdict::Verified);
        // Fixes that differ at the core level from those signed (one moved).
        let other = vec![fix(1, 1), fix(2, 3)];
        assert_eq!(verdict(true, Some(&signed), &other), RouteVerdict::Mismatch);
        assert_eq!(
            serde_json::to_string(&RouteVerdict::FixesMissing).unwrap(),
            "\"fixes_missing\""
        );
    }
}
