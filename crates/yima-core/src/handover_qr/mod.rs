//! The offline handover as two QR codes shown phone to phone (spec: `docs/HANDOVER-QR.md`).
//!
//! The giver's **offer** carries everything of the handover event's body except the
//! container codes themselves: the kind and its details (manifest number, driver, plate,
//! permit, place or reason), giver and taker identities, time, optional location, the giver's
//! counter, the containers as a count with a digest of their sorted codes, a 4-byte tag per
//! code (so a label not on the list is flagged the moment it is scanned), the total declared
//! weight, the previous event of each container's chain (one id when they all share it, as
//! containers dispatched or picked up together do), and the giver's signature over the event
//! id. The taker scans every label, rebuilds the very same body from the offer and the codes,
//! checks the giver's signature, countersigns, and shows the **acknowledgement**: the event
//! id with the taker's key and signature. Both devices then hold the same dual-signed event.
//!
//! Both codes are `PREFIX` + Base45 of a fixed binary layout, so they use QR alphanumeric
//! mode; parsing is strict (one text per value) and never panics.
//!
//! ```
//! use yima_core::{HandoverAckQr, HandoverOfferQr};
//! // Any other text is "not a handover code", never a panic.
//! assert!(HandoverOfferQr::parse("https://example.com").is_err());
//! assert!(HandoverAckQr::parse("YIMA-HA1:").is_err());
//! ```

mod ack;
pub(crate) mod bytes;
mod offer;

pub use ack::{HandoverAckQr, IdentityQr, IDENTITY_PREFIX};
pub use offer::HandoverOfferQr;

use crate::quantity::{format_milli, Quantity, Unit};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use yima_codes::{LabelCode, Lang};

/// What an offer's text starts with.
pub const OFFER_PREFIX: &str = "YIMA-HO1:";
/// What an acknowledgement's text starts with.
pub const ACK_PREFIX: &str = "YIMA-HA1:";
/// The most characters a handover code may have: the alphanumeric capacity of a QR code of
/// version 25 at error-correction level M (the largest a phone reads from another phone's
/// screen in one go). An offer holds about 150 containers that share one chain head, or
/// about 16 whose chains all end in different events.
pub const MAX_QR_TEXT: usize = 1451;
/// Domain separator of the digest over the sorted container codes.
pub const CODES_DOMAIN: &[u8] = b"yima/handover-codes/v1\0";
/// Domain separator of a container code's 4-byte tag.
pub const TAG_DOMAIN: &[u8] = b"yima/handover-tag/v1\0";

/// Why a handover QR text, or the labels scanned against it, do not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HandoverQrError {
    /// The text is not a Yima handover code of this kind (any other QR code).
    #[error("not a Yima handover code: {text}")]
    NotHandover {
        /// The text, as scanned.
        text: String,
    },
    /// A handover code, but damaged or not in its one canonical form.
    #[error("damaged handover code: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// The event cannot travel as a QR offer.
    #[error("this handover cannot be offered as a QR code: {detail}")]
    NotOfferable {
        /// Why.
        detail: String,
    },
    /// A scanned label's container is not on the offer's list.
    #[error("container {code} is not on this handover's list")]
    NotOnList {
        /// The container.
        code: LabelCode,
    },
    /// Not as many labels as the offer lists.
    #[error("the offer lists {expected} containers, {found} labels were scanned")]
    CountMismatch {
        /// Containers on the offer.
        expected: usize,
        /// Labels scanned.
        found: usize,
    },
    /// As many labels, but not the same containers.
    #[error("the scanned labels are not the containers the offer lists")]
    DigestMismatch,
    /// The labels' declared weights do not add up to the offer's total.
    #[error("the offer declares {declared}, the scanned labels add up to {scanned}")]
    TotalMismatch {
        /// The offer's total.
        declared: String,
        /// The labels' sum.
        scanned: String,
    },
    /// The giver's signature does not fit the rebuilt event.
    #[error("the giver's signature does not match the handover")]
    BadSignature,
}

impl HandoverQrError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (HandoverQrError::NotHandover { text }, Lang::Zh) => {
                format!("不是一码交接二维码：{text}")
            }
            (HandoverQrError::Malformed { detail }, Lang::Zh) => {
                format!("交接二维码已损坏：{detail}")
            }
            (HandoverQrError::NotOfferable { detail }, Lang::Zh) => {
                format!("此交接无法用二维码发出：{detail}")
            }
            (HandoverQrError::NotOnList { code }, Lang::Zh) => {
                format!("容器 {code} 不在本次交接清单上")
            }
            (HandoverQrError::CountMismatch { expected, found }, Lang::Zh) => {
                format!("交接清单有 {expected} 个容器，实际扫描了 {found} 个标签")
            }
            (HandoverQrError::DigestMismatch, Lang::Zh) => {
                "扫描的标签与交接清单上的容器不一致".to_string()
            }
            (HandoverQrError::TotalMismatch { declared, scanned }, Lang::Zh) => {
                format!("交接声明总量 {declared}，标签合计 {scanned}")
            }
            (HandoverQrError::BadSignature, Lang::Zh) => "移交方签名与交接内容不符".to_string(),
        }
    }
}

pub(crate) fn malformed(detail: impl Into<String>) -> HandoverQrError {
    HandoverQrError::Malformed {
        detail: detail.into(),
    }
}

pub(crate) fn not_offerable(detail: impl Into<String>) -> HandoverQrError {
    HandoverQrError::NotOfferable {
        detail: detail.into(),
    }
}

/// The digest of a set of container codes: SHA-256 of [`CODES_DOMAIN`] and the codes' 37
/// bytes each, in ascending order.
pub fn codes_digest<'a>(sorted: impl IntoIterator<Item = &'a LabelCode>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CODES_DOMAIN);
    for c in sorted {
        h.update(c.as_str().as_bytes());
    }
    h.finalize().into()
}

/// A code's 4-byte tag on the offer's list.
pub fn code_tag(code: &LabelCode) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(TAG_DOMAIN);
    h.update(code.as_str().as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Declared quantities summed per unit, in the order kg, t, L.
pub fn totals<'a>(quantities: impl IntoIterator<Item = &'a Quantity>) -> Vec<(Unit, i64)> {
    let mut sums: BTreeMap<u8, i64> = BTreeMap::new();
    for q in quantities {
        *sums.entry(bytes::unit_byte(q.unit)).or_default() += q.milli;
    }
    sums.into_iter()
        .map(|(u, m)| (bytes::unit_of(u).expect("from unit_byte"), m))
        .collect()
}

pub(crate) fn format_totals(t: &[(Unit, i64)]) -> String {
    if t.is_empty() {
        return "0".into();
    }
    t.iter()
        .map(|(u, m)| format!("{} {}", format_milli(*m), u.symbol()))
        .collect::<Vec<_>>()
        .join(" + ")
}
