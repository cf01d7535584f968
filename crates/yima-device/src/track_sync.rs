//! The carrier's route fixes through the registry: sent beside the pushed events that sign
//! their track (`Device::outbox_tracks`), kept from the feed once they hash to the track
//! the event signs (`store_pulled_fixes`).

use crate::clock::Clock;
use crate::error::DeviceError;
use crate::Device;
use yima_codes::{CreditCode, ManifestNumber};
use yima_core::{EventBody, EventKind, Role, SignedEvent, Timestamp, WireEvent};
use yima_protocol::{FeedEntry, TrackFixes};
use yima_store::Tx;

/// The manifest the transport a track-signing `body` ends travelled under: the event's own
/// (relay, receipt), else (a return) the one under which the giver took the containers: its
/// last pickup or relay of the first container this device holds events of.
pub(crate) fn track_manifest(
    tx: &Tx<'_>,
    body: &EventBody,
    carrier: &CreditCode,
) -> Result<Option<ManifestNumber>, DeviceError> {
    match &body.event {
        EventKind::RelayHandover { manifest, .. } | EventKind::Received { manifest, .. } => {
            return Ok(Some(manifest.clone()))
        }
        EventKind::Returned { .. } => {}
        _ => return Ok(None),
    }
    for l in &body.links {
        let mut found = None;
        for row in tx.container_event_rows(&l.container)? {
            let raw = row.to_raw()?;
            let Ok(e) = SignedEvent::from_parts(raw.id, raw.canonical, Vec::new()) else {
                continue;
            };
            if e.body.at > body.at || &e.body.by.org != carrier {
                continue;
            }
            match &e.body.event {
                EventKind::PickedUp { manifest, .. }
                | EventKind::RelayHandover { manifest, .. }
                    if e.body.by.role == Role::Carrier =>
                {
                    found = Some(manifest.clone())
                }
                _ => {}
            }
        }
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Keeps the fixes pulled beside events that sign a track, when they hash to it, under the
/// giving carrier and the manifest of the transport; returns how many were new.
pub(crate) fn store_pulled_fixes(
    tx: &Tx<'_>,
    entries: &[FeedEntry],
    now: Timestamp,
) -> Result<usize, DeviceError> {
    let mut added = 0;
    for entry in entries {
        let Some(fixes) = &entry.fixes else { continue };
        let Ok(e) = entry.event.parse() else { continue };
        let (Some(track), Some(giver)) = (&e.body.track, e.body.event.giver()) else {
            continue;
        };
        if !track.matches(fixes) {
            continue;
        }
        let Some(manifest) = track_manifest(tx, &e.body, &giver.org)? else {
            continue;
        };
        added += tx.insert_fixes(&manifest, &giver.org, fixes, now)?;
    }
    Ok(added)
}

impl<C: Clock> Device<C> {
    /// The route fixes to send beside `events` (a push): for each event that signs a track
    /// and is given by this device's organisation, the fixes it holds for the track's span,
    /// when they hash to the signed digest.
    pub fn outbox_tracks(&mut self, events: &[WireEvent]) -> Result<Vec<TrackFixes>, DeviceError> {
        self.store.read(|tx| {
            let org = tx.require_device()?.org.credit_code;
            let mut out = Vec::new();
            for w in events {
                // Cheap first: most bodies sign no track.
                if !w.body.contains("\"track\":{") {
                    continue;
                }
                let Ok(body) = yima_core::decode(w.body.as_bytes()) else {
                    continue;
                };
                let (Some(track), Some(giver)) = (&body.track, body.event.giver()) else {
                    continue;
                };
                if giver.org != org {
                    continue;
                }
                let Some(manifest) = track_manifest(tx, &body, &org)? else {
                    continue;
                };
                let fixes = tx.fixes_between(&manifest, &org, track.first, track.last)?;
                if track.matches(&fixes) {
                    out.push(TrackFixes { event: w.id, fixes });
                }
            }
            Ok(out)
        })
    }
}
