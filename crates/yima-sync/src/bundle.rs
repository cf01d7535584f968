//! The evidence bundle of a container or a manifest from the registry
//! (`GET /v1/bundle`), signed like every other call: the registry gives what the device's
//! organisation may read.

use crate::client::Registry;
use crate::error::SyncError;
use yima_core::BundleScope;
use yima_device::{Clock, Device};

impl Registry {
    /// The bundle's file exactly as the registry sent it (verify it with
    /// [`yima_device::verify_bundle_bytes`]); `Refused` when the device's organisation may
    /// read nothing of it.
    pub async fn fetch_bundle<C: Clock>(
        &self,
        device: &mut Device<C>,
        scope: &BundleScope,
    ) -> Result<Vec<u8>, SyncError> {
        let path = match scope {
            BundleScope::Container(c) => format!("/v1/bundle?container={c}"),
            BundleScope::Manifest(m) => format!("/v1/bundle?manifest={m}"),
        };
        self.call(device, "GET", &path, None).await
    }
}
