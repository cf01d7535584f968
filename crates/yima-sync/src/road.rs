//! Road control from the registry (`POST /v1/road`): an inspector with no account sends the
//! pass a driver shows and reads what the registry records of its containers.

use crate::client::Registry;
use crate::error::SyncError;
use yima_protocol::{RoadCheck, RoadCheckRequest};

impl Registry {
    /// What the registry records of the containers of the road pass `text` (its QR text),
    /// unsigned: no device or account is needed. `Refused` when the registry refuses the
    /// pass (damaged, altered, expired, not the carrier's key, nothing in transit): then
    /// nothing of it is disclosed.
    pub async fn check_road_pass(&self, text: &str) -> Result<RoadCheck, SyncError> {
        let body = serde_json::to_vec(&RoadCheckRequest {
            pass: text.trim().to_string(),
        })
        .expect("serialisable");
        Self::decode(&self.call_unsigned("POST", "/v1/road", Some(body)).await?)
    }
}
