//! What the web view sends and receives, generated to TypeScript by `dto/bindings.rs`: one
//! file per group of types under `ui/src/bindings/`, and `ui/src/bindings.ts` their index (the
//! test `bindings_are_current` fails when these types and those files drift apart).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod audit;
mod bindings;
mod handover;

pub use audit::{
    AuditChoices, AuditCountView, AuditCountsView, AuditFilterForm, AuditPageView, AuditRowView,
    AuditStateChoice, AuditStepView, AuditTimelineView,
};
pub use bindings::typescript_files;
pub use handover::{
    GiveForm, OfferLabelView, QrShown, ReceivedOfferView, SentOfferView, TakenView,
};

/// The app's state for the UI.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AppStatus {
    /// Whether the data directory has an identity yet (else: first run).
    pub initialised: bool,
    /// The demo's role shown, when the app shows the demo's data.
    pub demo: Option<String>,
    /// The data directory in use.
    pub data_dir: String,
    /// `zh` or `en`.
    pub lang: String,
    /// This device, once initialised.
    pub identity: Option<Identity>,
    /// Events recorded here and not yet accepted by a registry.
    pub outbox_pending: u32,
    /// The registry this device is enrolled with, if any.
    pub registry: Option<String>,
    /// The block of label sequences this device draws from, once initialised.
    pub label_block: Option<LabelBlockView>,
    /// The person doing the steps on this device (经办人), signed into each event it records;
    /// `None` until set.
    pub operator: Option<String>,
    /// Where the camera's frames come from: `device` (the web view's camera), or `test` (a
    /// picture the end-to-end tests put on screen, only with `YIMA_TEST_CAMERA=1`).
    pub camera: String,
    /// Where a carrier's route fixes come from.
    pub location: crate::state::Location,
}

/// This device's block of label sequences and where it comes from.
#[derive(Clone, Debug, Serialize, TS)]
pub struct LabelBlockView {
    /// The block, e.g. `501-750` (`1-999` when it has none of its own).
    pub block: String,
    /// `registry` (given at enrolment or since), `set_up` (chosen at set-up) or `none`:
    /// another device of the organisation set up the same way may draw the same codes.
    pub source: String,
}

/// This device's identity.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Identity {
    /// `producer`, `carrier`, `receiver` or `regulator`.
    pub role: String,
    /// The organisation's name.
    pub org_name: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The device key's short id.
    pub key_id: String,
}

/// The result of checking a credit code as it is typed.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CodeCheck {
    /// Whether the code is well formed with the right check character.
    pub valid: bool,
    /// What is wrong, in the user's language.
    pub message: Option<String>,
}

/// First run: who this device records for.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct InitForm {
    /// `producer`, `carrier`, `receiver` or `regulator`.
    pub role: String,
    /// The organisation's name.
    pub org_name: String,
    /// Its unified social credit code.
    pub credit_code: String,
}

/// One catalogue entry found.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CatalogueHit {
    /// Waste code, `NNN-NNN-NN`.
    pub code: String,
    /// `HWnn`.
    pub category: String,
    /// The category's name.
    pub category_name: String,
    /// The entry's description.
    pub description: String,
    /// Hazard characteristics as the catalogue writes them (`T/In`).
    pub hazards: String,
}

/// A new container as the handler enters it (`yima_device::NewContainer`).
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct NewContainerForm {
    /// Waste code.
    pub waste_code: String,
    /// Weight or volume.
    pub amount: String,
    /// `kg`, `t` or `L`.
    pub unit: String,
    /// `solid`, `semi_solid`, `liquid` or `gas`.
    pub form: String,
    /// Waste name (empty: from the catalogue).
    pub name: String,
    /// Hazards (empty: from the catalogue).
    pub hazards: String,
    /// Main components.
    pub main_components: String,
    /// Harmful components.
    pub harmful_components: String,
    /// Precautions.
    pub precautions: String,
    /// Contact person.
    pub contact: String,
    /// Contact phone.
    pub phone: String,
    /// Container type.
    pub container_type: String,
    /// Generating facility code.
    pub facility_code: String,
    /// Remarks.
    pub remarks: String,
    /// Why the waste is classified so (a hazard outside the catalogue entry, or 900-000-NN).
    #[serde(default)]
    pub classification_reason: String,
    /// The test report's reference (with 900-000-NN).
    #[serde(default)]
    pub test_report: String,
}

/// One container in a list.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ContainerRow {
    /// The 37-character code.
    pub code: String,
    /// Waste code.
    pub waste_code: String,
    /// Waste name.
    pub name: String,
    /// Declared quantity with unit.
    pub quantity: String,
    /// State (`stored`, …).
    pub state: String,
    /// State in the user's language.
    pub state_name: String,
}

/// One container of a manifest, as a driver or a receiver checks it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ManifestLineRow {
    /// The 37-character code.
    pub code: String,
    /// Waste name.
    pub name: String,
    /// The quantity its label declares, with unit.
    pub declared: String,
    /// The quantity last weighed, with unit, if it was.
    pub measured: Option<String>,
    /// Weighed minus declared, signed, with unit (e.g. `+4 kg`).
    pub difference: Option<String>,
    /// Whether that difference is beyond the tolerance.
    pub beyond_tolerance: bool,
    /// State (`dispatched`, …).
    pub state: String,
    /// State in the user's language.
    pub state_name: String,
    /// Credit code of the organisation holding it.
    pub holder: String,
    /// Still to come for this device: to pick up (carrier) or to arrive (receiver).
    pub waiting: bool,
}

/// A manifest with its containers.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ManifestRow {
    /// The 14-digit number.
    pub number: String,
    /// What this device's organisation is to it: `sender`, `carrier`, `receiver` or `other`.
    pub part: String,
    /// The sender's name (移出人).
    pub sender: String,
    /// The carrier's name (承运人).
    pub carrier: String,
    /// The receiver's name (接受人).
    pub receiver: String,
    /// When its first container still waiting for the carrier was dispatched (RFC 3339).
    pub dispatched_at: Option<String>,
    /// Containers still to come for this device.
    pub waiting: u32,
    /// Declared kilograms of its containers in kg or t.
    pub declared_kg: String,
    /// Weighed kilograms of those weighed.
    pub measured_kg: String,
    /// Its containers.
    pub lines: Vec<ManifestLineRow>,
}

/// One detail of a step.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Detail {
    /// Its name in the user's language.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// One step of a timeline with its verification mark.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StepView {
    /// Event id.
    pub id: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The step (`generated`, `stored`, …).
    pub step: String,
    /// The step in the user's language.
    pub step_name: String,
    /// The recorder's organisation (credit code).
    pub org: String,
    /// The recorder's role in the user's language.
    pub role_name: String,
    /// Who did the step (经办人): the operator the signed event names, else the person this
    /// device kept with it; `null` when neither is known.
    pub operator: Option<String>,
    /// Short keys of every signer.
    pub signers: Vec<String>,
    /// The step's details.
    pub details: Vec<Detail>,
    /// Whether signatures, id and chain link check.
    pub verified: bool,
    /// What is wrong, when not verified.
    pub problems: Vec<String>,
    /// A transfer leg entered more than 10 working days after its date (a paper manifest's
    /// leg entered late).
    pub entered_late: bool,
    /// It reached the registry more than 7 days after its date: held back or dated back.
    pub arrived_late: bool,
}

/// A container's timeline, verified.
#[derive(Clone, Debug, Serialize, TS)]
pub struct TimelineView {
    /// The container.
    pub code: String,
    /// Whether every step verified.
    pub ok: bool,
    /// Steps, oldest first.
    pub steps: Vec<StepView>,
    /// Whether the chain starts at a QR handover here (its history not synced yet).
    pub without_history: bool,
}

/// A QR code read from an image.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ScannedCode {
    /// The text.
    pub text: String,
    /// `label`, `offer`, `ack`, `identity`, `enrolment` or `other`.
    pub kind: String,
    /// The label's code, for a label.
    pub code: Option<String>,
    /// The label's declared quantity, for a label.
    pub quantity: Option<String>,
    /// `valid`, `forged` or `key_unknown`, for a label.
    pub check: Option<String>,
}

/// A QR code read from a camera frame, named by its prefix (a label's signature is checked
/// when it is judged, `judge_scans`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct FrameCode {
    /// The text.
    pub text: String,
    /// `label`, `offer`, `ack`, `identity`, `enrolment` or `other`.
    pub kind: String,
}

/// What scanned labels are judged against: `nothing`, `qr_offer` (`value`: the offer's QR
/// text) or `online_offer` (`value`: the waiting offer's id).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ScanAgainstForm {
    /// `nothing`, `qr_offer` or `online_offer`.
    pub kind: String,
    /// The offer's QR text or id.
    pub value: String,
}

/// A registry to enrol with, read from its enrolment QR code.
#[derive(Clone, Debug, Serialize, TS)]
pub struct EnrolmentSeen {
    /// The registry's URL.
    pub url: String,
    /// The single-use enrolment code.
    pub code: String,
}

/// A scale to read a weight from: its serial port and how it talks.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ScaleForm {
    /// The serial port (e.g. `/dev/ttyUSB0`, `COM3`).
    pub port: String,
    /// `generic` (ST,GS,+0012.34kg), `mettler` (S S 12.34 kg) or `toledo`; blank: generic.
    #[serde(default)]
    pub protocol: String,
    /// The port's speed; none: 9600.
    #[serde(default)]
    pub baud: Option<u32>,
    /// The scale's name, recorded with its port (e.g. its asset number); blank: none.
    #[serde(default)]
    pub name: String,
    /// Seconds to wait for the weight to settle; none: 30.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

/// A settled weight read from a scale, to fill the weighing form with.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ScaleReadingView {
    /// The weight, e.g. `24.55`.
    pub amount: String,
    /// Its unit: `kg` or `t` (grams become kilograms).
    pub unit: String,
    /// The scale's identity, recorded with the weighing.
    pub scale: String,
}

/// A reading of the scale as it comes, shown live while the weight settles.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ScaleLiveView {
    /// The weight as the scale shows it, e.g. `24.70 kg`.
    pub text: String,
    /// Whether the scale says it has settled.
    pub stable: bool,
}

/// The outcome of verifying everything on this device.
#[derive(Clone, Debug, Serialize, TS)]
pub struct VerifySummary {
    /// Whether nothing failed.
    pub ok: bool,
    /// Events examined.
    pub events: u32,
    /// Containers examined.
    pub containers: u32,
    /// What failed, one sentence each.
    pub failures: Vec<String>,
}

/// Something that needs attention in a container this device holds (an anomaly rule fired).
#[derive(Clone, Debug, Serialize, TS)]
pub struct AnomalyView {
    /// The rule's stable name (`weight_discrepancy`, `receipt_overdue`, `track_missing`, …).
    pub rule: String,
    /// The rule's name in the user's language.
    pub rule_name: String,
    /// The container's code.
    pub container: String,
    /// When it began, and for deadline rules the deadline (UTC, RFC 3339).
    pub since: String,
    pub due: Option<String>,
    /// What happened, in the user's language.
    pub detail: String,
}

/// The verdict on an evidence bundle someone handed over (a file), checked offline.
#[derive(Clone, Debug, Serialize, TS)]
pub struct BundleSummary {
    /// Whether nothing failed.
    pub ok: bool,
    /// `container` or `manifest`: what the bundle says it is the evidence of.
    pub scope: String,
    /// The container's code or the manifest's number.
    pub subject: String,
    /// Who it says exported it, and when (UTC, RFC 3339).
    pub exported_by: String,
    pub exported_at: String,
    /// Events and container chains examined.
    pub events: u32,
    pub containers: u32,
    /// What failed, one line each: the event's place in the file, its id, kind, container
    /// and a sentence.
    pub failures: Vec<String>,
    /// What it shows without failing (events signed before their key's enrolment).
    pub notes: Vec<String>,
    /// The keys it carries: key, organisation, name, revoked when.
    pub keys: Vec<String>,
    /// The key whose attestation of the bundle verified (a registry's), if any.
    pub attested_by: Option<String>,
    /// What the key records rest on: `exporters_word` (no attestation), `attesting_key`
    /// (the attesting key being the registry's) or `pinned_registry_key`.
    pub key_records: String,
}

/// A container's label to preview and print.
#[derive(Clone, Debug, Serialize, TS)]
pub struct LabelPreview {
    /// The label as SVG.
    pub svg: String,
    /// Its side in millimetres: 100, 150 or 200, by the container's volume.
    pub size_mm: u32,
    /// How many to print: two (on opposite sides) for a container above 450 L, else one.
    pub copies: u32,
}

/// Enrolment with a registry.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct EnrolForm {
    /// The registry's URL (`https://…`, or `http://` to this machine).
    pub url: String,
    /// The single-use enrolment code.
    pub code: String,
    /// The PEM of the CA that certifies the registry, for one certified by a government or
    /// private CA (kept for every later sync); none for one the system trusts.
    pub ca_pem: Option<String>,
}

/// How far a sync has got (sent while it runs).
#[derive(Clone, Debug, Serialize, TS)]
pub struct SyncProgressView {
    /// `push`, `keys` or `pull`.
    pub phase: String,
    /// Items done in this phase.
    pub done: u32,
    /// Items in this phase, when known.
    pub total: Option<u32>,
}

/// What a sync did, and what still waits.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SyncSummary {
    /// Events the registry accepted.
    pub accepted: u32,
    /// Events stored at the registry as forks (flagged).
    pub forks: u32,
    /// Events refused (kept here with the reason).
    pub refused: u32,
    /// Events pulled from the registry.
    pub pulled: u32,
    /// Events still waiting to be sent.
    pub pending: u32,
    /// Handover offers sent to their takers through the registry.
    pub offers_sent: u32,
    /// Handover offers received for this device through the registry.
    pub offers_received: u32,
    /// Label readings (sightings) sent to the registry for its forgery and clone checks.
    pub sightings_sent: u32,
}

/// What the registry records of a road pass's containers.
#[derive(Clone, Debug, Serialize, TS)]
pub struct RoadCheckView {
    /// How many containers it confirms in transit with the pass's carrier.
    pub confirmed: u32,
    /// How many the pass lists.
    pub total: u32,
    /// The carrier's registered name.
    pub carrier: String,
    /// The manifest's sender, by the registry's record.
    pub sender: String,
    /// The manifest's receiver, by the registry's record.
    pub receiver: String,
    /// Each container of the pass.
    pub lines: Vec<RoadCheckLineView>,
}

/// One container of a road pass as the registry records it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct RoadCheckLineView {
    /// The container's code.
    pub code: String,
    /// Whether the registry has it in transit with the pass's carrier under its manifest.
    pub confirmed: bool,
    /// The quantity by the registry's record, when confirmed.
    pub quantity: Option<String>,
}
