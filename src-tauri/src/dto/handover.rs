//! Handing containers over: QR codes shown, offers given, taken, sent and received.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A QR code to show on screen, with its PNG kept in the data directory's `exports/` so it
/// can also be printed or sent.
#[derive(Clone, Debug, Serialize, TS)]
pub struct QrShown {
    /// The QR code's text.
    pub text: String,
    /// The PNG, base64-encoded.
    pub png_base64: String,
    /// Where the PNG was saved.
    pub path: String,
}

/// A handover offered to another party: the containers, the taker's identity (the text of
/// its identity QR code) and the step.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct GiveForm {
    /// The containers handed over.
    pub codes: Vec<String>,
    /// The taker's identity QR text.
    pub taker: String,
    /// The step and its fields.
    pub handover: yima_device::HandoverForm,
}

/// A scanned label checked against an offer.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OfferLabelView {
    /// The container.
    pub code: String,
    /// Whether the offer lists it.
    pub on_offer: bool,
    /// Whether this organisation already holds it in transit (picked up before).
    pub already_held: bool,
}

impl From<yima_device::OfferLabelCheck> for OfferLabelView {
    fn from(c: yima_device::OfferLabelCheck) -> Self {
        OfferLabelView {
            code: c.code.to_string(),
            on_offer: c.on_offer == yima_device::LabelOnOffer::Listed,
            already_held: c.already_held,
        }
    }
}

/// What the taker stored and shows the giver.
#[derive(Clone, Debug, Serialize, TS)]
pub struct TakenView {
    /// The dual-signed event.
    pub event_id: String,
    /// The acknowledgement QR code for the giver.
    pub ack: QrShown,
    /// Labels whose producer key this device does not know yet (checkable after sync).
    pub not_checkable: Vec<String>,
    /// Containers whose history this device has not seen yet.
    pub without_history: Vec<String>,
}

/// An offer this device sent through the registry.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SentOfferView {
    /// The handover event's id.
    pub id: String,
    /// The taker's organisation (credit code).
    pub taker_org: String,
    /// The containers.
    pub codes: Vec<String>,
    /// Whether it reached the registry.
    pub sent: bool,
    /// Whether the taker countersigned (the dual-signed event is on this device).
    pub taken: bool,
}

impl From<yima_device::SentOffer> for SentOfferView {
    fn from(o: yima_device::SentOffer) -> Self {
        SentOfferView {
            id: o.id.to_string(),
            taker_org: o.taker_org.to_string(),
            codes: o.codes.iter().map(ToString::to_string).collect(),
            sent: o.sent,
            taken: o.taken,
        }
    }
}

/// An offer that reached this device through the registry and waits for its signature.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ReceivedOfferView {
    /// The handover event's id.
    pub id: String,
    /// The giver's organisation (credit code).
    pub giver_org: String,
    /// The giver's organisation's name, when known.
    pub giver_org_name: String,
    /// `pickup`, `relay`, `receive` or `return`.
    pub kind: String,
    /// The manifest number, for a pickup, relay or delivery.
    pub manifest: Option<String>,
    /// The containers.
    pub codes: Vec<String>,
}

impl From<yima_device::ReceivedOffer> for ReceivedOfferView {
    fn from(o: yima_device::ReceivedOffer) -> Self {
        ReceivedOfferView {
            id: o.id.to_string(),
            giver_org: o.giver_org.to_string(),
            giver_org_name: o.giver_org_name,
            kind: o.kind,
            manifest: o.manifest,
            codes: o.codes.iter().map(ToString::to_string).collect(),
        }
    }
}
