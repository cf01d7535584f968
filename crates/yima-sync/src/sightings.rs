//! The labels this device scanned go to the registry at sync (`POST /v1/sightings`), a
//! report of at most 1000 at a time, each naming this device, signed like every other call.

use crate::client::{Registry, SyncReport};
use crate::error::{SyncError, SyncErrorKind};
use yima_device::{Clock, Device};
use yima_protocol::{SightingsReport, SightingsStored};

/// The path of sightings.
const SIGHTINGS: &str = "/v1/sightings";

/// The most sightings one report carries (the registry's limit).
const PER_REPORT: u32 = 1000;

impl Registry {
    /// Sends every scan kept and not sent yet, marking each report's sent once the registry
    /// has it (also the scans it had already). A report the registry refuses stays to send
    /// and the sync goes on.
    pub async fn send_sightings<C: Clock>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        loop {
            let (sightings, last) = device.sightings_to_send(PER_REPORT)?;
            let Some(last) = last else { return Ok(()) };
            let n = sightings.len() as u64;
            let body =
                serde_json::to_vec(&SightingsReport { sightings }).expect("a report serialises");
            match self.call(device, "POST", SIGHTINGS, Some(body)).await {
                Ok(answer) => {
                    let _: SightingsStored = Self::decode(&answer)?;
                    device.mark_sightings_sent(last)?;
                    report.sightings_sent += n;
                }
                Err(e) if e.kind() == SyncErrorKind::Refused => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}
