//! What a transfer manifest (危险废物转移联单) prints: plain text the caller has gathered
//! and worded, laid out by `manifest_layout.rs`. Nothing here reads a store.

use serde::Serialize;

/// An organisation as the manifest names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SheetParty {
    /// Its registered name (may be empty when only the code is known).
    pub name: String,
    /// Its unified social credit code (统一社会信用代码).
    pub credit_code: String,
}

/// A carrier (承运人) and the transport it recorded at its pickup or relay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SheetCarrier {
    /// The carrier.
    pub party: SheetParty,
    /// Vehicle plate (车牌号), empty when not recorded.
    pub vehicle_plate: String,
    /// Driver (驾驶员), empty when not recorded.
    pub driver: String,
    /// Road transport operating permit (道路运输经营许可证), empty when not recorded.
    pub permit: String,
    /// Where a relay carrier took over (接驳地点); empty for the first carrier.
    pub relay_place: String,
    /// The transport facts a correction changed (the carrier holds the corrected ones).
    pub corrected: Vec<SheetCorrection>,
}

/// A value of the sheet that a signed correction (更正) can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetCell {
    /// A line's quantity sent (the sender's weighing before dispatch).
    Sent,
    /// A line's quantity weighed on receipt.
    Received,
    /// A line's quantity accepted.
    Accepted,
    /// A line's quantity refused, or why.
    Refused,
    /// A carrier's vehicle plate.
    VehiclePlate,
    /// A carrier's driver.
    Driver,
    /// A carrier's transport permit.
    Permit,
    /// Where a relay carrier took over.
    RelayPlace,
}

/// A value on the sheet as corrected: which it is, and what was recorded before the
/// correction (the sheet prints the corrected value, marked 已更正 corrected, and this).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SheetCorrection {
    /// The value corrected.
    pub cell: SheetCell,
    /// The value as first recorded, worded (e.g. `19 kg`).
    pub original: String,
}

/// One container of the manifest and its quantities, each already worded with its unit
/// (e.g. `20 kg`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SheetLine {
    /// The 37-character label code.
    pub label_code: String,
    /// Waste name (废物名称).
    pub name: String,
    /// Waste code (废物代码), e.g. `900-041-49`.
    pub waste_code: String,
    /// Category (废物类别), e.g. `HW49`.
    pub category: String,
    /// Physical form (废物形态), worded.
    pub form: String,
    /// Hazard characteristics (危险特性), worded.
    pub hazards: String,
    /// The quantity sent (the sender's last weighing before dispatch, else as labelled).
    pub sent: String,
    /// The quantity the receiver weighed, if it did.
    pub received: Option<String>,
    /// The quantity accepted, if recorded.
    pub accepted: Option<String>,
    /// The quantity refused, if recorded.
    pub refused: Option<String>,
    /// Why it was refused, if it was.
    pub refusal_reason: String,
    /// A difference between sent and received beyond tolerance, worded (e.g. `−1.5 kg`).
    pub discrepancy: Option<String>,
    /// The values of this line a correction changed (the line holds the corrected ones).
    pub corrected: Vec<SheetCorrection>,
}

/// Who signed one step, and whether the signature verified.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SheetSignature {
    /// The step, in Chinese and English (e.g. `出库 dispatched`).
    pub step: String,
    /// The signer's organisation.
    pub party: SheetParty,
    /// The role it signed in, worded (e.g. `移出人 sender`).
    pub role: String,
    /// The person who did the step (经办人), if recorded.
    pub operator: Option<String>,
    /// The signing device key's fingerprint.
    pub key: String,
    /// When, in China time (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// How many of the manifest's containers the step concerns.
    pub containers: usize,
    /// Whether the step's signatures, id and chain verified on the printing device.
    pub verified: bool,
}

/// A transfer manifest to print: its number, parties, containers and signatures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ManifestSheet {
    /// The 14-digit manifest number (联单编号); the QR code in the header holds it.
    pub number: String,
    /// 移出人: the producer or collector sending the waste.
    pub sender: SheetParty,
    /// 承运人: the carrier named on the manifest, then each relay carrier, in order.
    pub carriers: Vec<SheetCarrier>,
    /// 接受人.
    pub receiver: SheetParty,
    /// The receiver's operating licence (经营许可证号).
    pub receiver_permit: String,
    /// Use or disposal, worded.
    pub mode: String,
    /// 应急措施.
    pub emergency_measures: String,
    /// The containers, in order.
    pub lines: Vec<SheetLine>,
    /// Every signature of every step, in order.
    pub signatures: Vec<SheetSignature>,
    /// Quantities in total, worded (e.g. `发出 sent 45 kg`), printed under the table.
    pub totals: Vec<String>,
    /// When it was printed, China time.
    pub printed_at: String,
    /// Which organisation's device printed it (whose verification the marks are).
    pub printed_by: SheetParty,
}
