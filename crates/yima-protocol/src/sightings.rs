//! `POST /v1/sightings`: the scans of labels a device made, reported at sync.

use serde::{Deserialize, Serialize};
use yima_core::{PublicKey, Timestamp};

/// One scan of a label by the reporting device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedSighting {
    /// The label's container code (37 characters).
    pub code: String,
    /// When it was scanned (ms since the epoch).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub at: Timestamp,
    /// The device's location fix then, if it had one: latitude in degrees × 10⁷.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat_e7: Option<i32>,
    /// Longitude in degrees × 10⁷.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon_e7: Option<i32>,
    /// The fix's horizontal accuracy in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<u32>,
    /// The organisation that scanned it: the reporting device's own.
    pub org: String,
    /// The device that scanned it: the reporting device's own key.
    pub device: PublicKey,
    /// Whether the label's signature verified on the device: `genuine`, `forged`, or
    /// `unchecked` (the device holds no record of the container's generating device).
    pub seal: String,
}

/// A device's report of its scans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SightingsReport {
    /// The scans, at most 1000.
    pub sightings: Vec<ReportedSighting>,
}

/// What the registry kept of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SightingsStored {
    /// How many were new (a scan reported again is kept once).
    pub stored: u64,
}
