//! Yima's pure core: the custody model, custody events, the one state table, the canonical
//! encoding, Ed25519 signing and chain verification, and the signed payload of a label's QR
//! code. No IO: the store, the QR code's image, sync and the registry add that on top.
//!
//! ```
//! use yima_core::{transition, ContainerState, Role, Step};
//!
//! // A carrier may pick up a dispatched container from its producer…
//! let next = transition(Some(ContainerState::Dispatched), Step::PickedUp, Role::Carrier, Some(Role::Producer));
//! assert_eq!(next, Ok(ContainerState::InTransit));
//! // …but a regulator records nothing.
//! assert!(transition(Some(ContainerState::Dispatched), Step::PickedUp, Role::Regulator, Some(Role::Producer)).is_err());
//! ```
#![deny(missing_docs)]

mod anomaly;
mod base45;
mod bundle;
mod correction;
mod custody;
mod custody_error;
mod custody_quantities;
mod custody_resume;
mod encoding;
mod event;
mod handover_qr;
mod intake;
mod lineage;
mod model;
#[cfg(feature = "openapi")]
mod openapi;
mod payload;
mod quantity;
mod road_pass;
mod role;
mod signing;
mod state;
mod track;
mod verify;
mod weighing;
mod wire;

pub use anomaly::{
    anomalies, distance_to_segment_m, events_after_closure, forged_label, fork_anomalies,
    manifest_close_due, next_deadline, next_sighting_deadline, off_manifest, receipt_due,
    refused_anomalies, sighting_anomalies, storage_limit, transports, two_places, unseen_label,
    unseen_label_due, Anomaly, AnomalyConfig, AnomalyRule, ForkedEvent, RefusedEvent, RefusedWhy,
    Seal, Sighter, Sighting, SightingPlace, Transport, TransportFixes, MANIFEST_CLOSE_WORKING_DAYS,
    RECEIPT_WORKING_DAYS,
};
pub use bundle::{
    attestation_bytes, attestation_digest, containers_in_scope, verify_bundle, verify_bundle_with,
    AttestedParts, BundleError, BundleFailure, BundleFailureKind, BundleReport, BundleScope,
    EvidenceBundle, KeyOrigin, KeyRecord, KeyRecordsRestOn, Place, ATTESTED_BUNDLE_VERSION,
    BUNDLE_ATTESTATION_DOMAIN, BUNDLE_FORMAT, BUNDLE_VERSION,
};
pub use correction::{
    apply_to_label, apply_to_step, check_changes, check_correction, fields_of, is_correctable,
    CorrectionError, LABEL_FIELDS, STEP_FIELDS,
};
pub use custody::{
    apply, apply_mut, check_label, resume, ContainerStatus, CustodyError, CLOCK_SKEW_MS,
};
pub use encoding::{decode, encode, EncodingError};
pub use event::{
    check_operator, describe_party, Actor, EventBody, EventKind, Link, ReturningPart, SignedEvent,
    Step, EVENT_FORMAT_VERSION, MAX_OPERATOR,
};
pub use handover_qr::{
    code_tag, codes_digest, totals, HandoverAckQr, HandoverOfferQr, HandoverQrError, IdentityQr,
    ACK_PREFIX, CODES_DOMAIN, IDENTITY_PREFIX, MAX_QR_TEXT, OFFER_PREFIX, TAG_DOMAIN,
};
pub use intake::check_intake;
pub use lineage::{check_balance, check_shape, BALANCE_TOLERANCE_PERMILLE};
pub use model::{
    ContainerCode, ContainerLabel, Organisation, Party, PhysicalForm, Timestamp, TransferManifest,
    TreatmentMode,
};
pub use payload::{
    KeyId, LabelPayload, LabelVerdict, PayloadError, PayloadErrorKind, PayloadForm, PayloadPart,
    RegistryHost, RegistryHostError, LABEL_PAYLOAD_MAGIC, LABEL_PAYLOAD_VERSION,
    LABEL_SIGNATURE_DOMAIN, LABEL_SIGNED_LEN, LABEL_URL_PATH, LABEL_URL_PAYLOAD_VERSION,
    LABEL_URL_SCHEME, LABEL_URL_SIGNATURE_DIGITS, REGISTRY_HOST_MAX_LEN,
};
pub use quantity::{format_milli, parse_milli, Quantity, QuantityError, Unit};
pub use road_pass::{
    RoadPass, RoadPassContainer, RoadPassError, ROAD_PASS_DEFAULT_MINUTES, ROAD_PASS_DOMAIN,
    ROAD_PASS_MAX_MINUTES, ROAD_PASS_PREFIX,
};
pub use role::{Role, UnknownRole};
pub use signing::{
    verify_batch, DeviceKey, EventId, KeyError, PublicKey, Signature, SignatureBytes,
    EVENT_ID_DOMAIN, SIGNATURE_DOMAIN,
};
pub use state::{transition, ContainerState, Outcome, Rule, TransitionError, RULES};
pub use track::{
    canonical_fixes, check_fixes, check_track, decode_track, encode_track, track_digest, Fix,
    TrackDigest, TrackError, MAX_LAT_E7, MAX_LON_E7, TRACK_DOMAIN,
};
pub use verify::{
    verify, Failure, FailureKind, KeyDirectory, KeyEntry, RawEvent, Report, VerifyOptions,
};

pub use weighing::{
    check_scale, weighed_since_custody, Discrepancy, Tolerances, UnitTolerance, WeighMethod,
    MAX_SCALE_IDENTITY,
};
pub use wire::{WireError, WireEvent};

pub use yima_codes;
