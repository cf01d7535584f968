//! What a device and the registry say to each other: the JSON bodies of each endpoint and
//! the signed-request scheme that authenticates every call by the device key. Pure: no IO.
//!
//! ```
//! use yima_core::DeviceKey;
//! use yima_protocol::{sign_request, verify_request, RequestAuth};
//!
//! let key = DeviceKey::from_secret(&[3; 32]);
//! let auth = sign_request(&key, "POST", "/v1/events", 1_700_000_000_000, "00ff00ff00ff00ff", b"{}");
//! assert!(verify_request(&auth, "POST", "/v1/events", b"{}").is_ok());
//! assert!(verify_request(&auth, "POST", "/v1/events", b"{ }").is_err());
//! ```
#![deny(missing_docs)]

mod audit;
mod auth;
mod enrolment_qr;
pub mod fuzzing;
mod sightings;
mod wire;

pub use audit::*;
pub use auth::{
    sign_request, verify_request, AuthError, RequestAuth, HEADER_KEY, HEADER_NONCE,
    HEADER_SIGNATURE, HEADER_TIME, MAX_CLOCK_SKEW_MS,
};
pub use enrolment_qr::{
    enrolment_code_well_formed, EnrolmentQr, EnrolmentQrError, ENROLMENT_CODE_ALPHABET,
    ENROLMENT_PREFIX, MAX_ENROLMENT_URL,
};
pub use sightings::{ReportedSighting, SightingsReport, SightingsStored};
pub use wire::*;
