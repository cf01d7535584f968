//! Sightings as both backends store them: a scanner as two columns, a seal as its name.

use crate::error::{ErrorKind, RegistryError};
use yima_codes::CreditCode;
use yima_core::{Seal, Sighter, Sighting, SightingPlace, Timestamp};

/// The scanner's `org` and `device` columns: both '' for the public page.
pub(crate) fn who_columns(who: &Sighter) -> (String, String) {
    match who {
        Sighter::Device { org, device } => (org.to_string(), device.clone()),
        Sighter::PublicPage => (String::new(), String::new()),
    }
}

/// A stored row: code, at, org, device, lat, lon, accuracy, seal.
pub(crate) type SightingRow = (
    String,
    i64,
    String,
    String,
    Option<i32>,
    Option<i32>,
    Option<i64>,
    String,
);

/// A sighting read back.
pub(crate) fn sighting_of_row(row: SightingRow) -> Result<Sighting, RegistryError> {
    let (code, at, org, device, lat, lon, accuracy, seal) = row;
    let who = if org.is_empty() {
        Sighter::PublicPage
    } else {
        Sighter::Device {
            org: crate::store::parse::<CreditCode>("organisation", &org)?,
            device,
        }
    };
    let place = match (lat, lon) {
        (Some(lat_e7), Some(lon_e7)) => Some(SightingPlace {
            lat_e7,
            lon_e7,
            accuracy_m: accuracy.and_then(|a| u32::try_from(a).ok()),
        }),
        _ => None,
    };
    Ok(Sighting {
        code: crate::store::parse("container code", &code)?,
        at: Timestamp(at),
        place,
        who,
        seal: Seal::parse(&seal).ok_or_else(|| {
            RegistryError::new(
                ErrorKind::Storage,
                format!("stored seal {seal:?} unreadable"),
            )
        })?,
    })
}
