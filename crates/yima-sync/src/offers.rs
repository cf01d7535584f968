//! Handovers online: the offers a giver's device queued go to the registry
//! (`POST /v1/handover-offers`), and the offers waiting for this device come from it
//! (`GET /v1/handover-offers`), both signed like every other call.

use crate::client::{Registry, SyncReport};
use crate::error::{SyncError, SyncErrorKind};
use yima_device::{Clock, Device};
use yima_protocol::{OfferStored, OffersWaiting};

/// The path of handover offers.
const OFFERS: &str = "/v1/handover-offers";

impl Registry {
    /// Sends every offer queued on the device, marking each sent once the registry has it
    /// (also when it had it already). An offer the registry refuses for good (a taker
    /// revoked, say) stays queued and the others go on; the sync is not stopped by it.
    pub async fn send_offers<C: Clock>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        for offer in device.offers_to_send()? {
            let body = serde_json::to_vec(&offer).expect("an offer serialises");
            match self.call(device, "POST", OFFERS, Some(body)).await {
                Ok(answer) => {
                    let _: OfferStored = Self::decode(&answer)?;
                    device.mark_offers_sent(&[offer.event.id])?;
                    report.offers_sent += 1;
                }
                // Kept queued: shown unsent on the giver's screen, sent again next time.
                Err(e) if e.kind() == SyncErrorKind::Refused => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Fetches the offers waiting for this device and keeps the new ones.
    pub async fn fetch_offers<C: Clock>(
        &self,
        device: &mut Device<C>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let waiting: OffersWaiting = Self::decode(&self.call(device, "GET", OFFERS, None).await?)?;
        report.offers_received += device.store_received_offers(&waiting.offers)? as u64;
        Ok(())
    }
}
