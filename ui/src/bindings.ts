// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

export type AppError = { 
/**
 * What went wrong, for the UI to act on.
 */
kind: string, 
/**
 * What to tell the user.
 */
message: string, 
/**
 * The containers the error concerns, for the UI to act on (absent when it names none).
 */
containers?: Array<string>, };

export type AppStatus = { 
/**
 * Whether the data directory has an identity yet (else: first run).
 */
initialised: boolean, 
/**
 * The demo's role shown, when the app shows the demo's data.
 */
demo: string | null, 
/**
 * The data directory in use.
 */
data_dir: string, 
/**
 * `zh` or `en`.
 */
lang: string, 
/**
 * This device, once initialised.
 */
identity: Identity | null, 
/**
 * Events recorded here and not yet accepted by a registry.
 */
outbox_pending: number, 
/**
 * The registry this device is enrolled with, if any.
 */
registry: string | null, 
/**
 * The block of label sequences this device draws from, once initialised.
 */
label_block: LabelBlockView | null, 
/**
 * The person doing the steps on this device (经办人), signed into each event it records;
 * `None` until set.
 */
operator: string | null, 
/**
 * Where the camera's frames come from: `device` (the web view's camera), or `test` (a
 * picture the end-to-end tests put on screen, only with `YIMA_TEST_CAMERA=1`).
 */
camera: string, 
/**
 * Where a carrier's route fixes come from.
 */
location: Location, };

export type LabelBlockView = { 
/**
 * The block, e.g. `501-750` (`1-999` when it has none of its own).
 */
block: string, 
/**
 * `registry` (given at enrolment or since), `set_up` (chosen at set-up) or `none`:
 * another device of the organisation set up the same way may draw the same codes.
 */
source: string, };

export type Identity = { 
/**
 * `producer`, `carrier`, `receiver` or `regulator`.
 */
role: string, 
/**
 * The organisation's name.
 */
org_name: string, 
/**
 * Its unified social credit code.
 */
credit_code: string, 
/**
 * The device key's short id.
 */
key_id: string, };

export type CodeCheck = { 
/**
 * Whether the code is well formed with the right check character.
 */
valid: boolean, 
/**
 * What is wrong, in the user's language.
 */
message: string | null, };

export type InitForm = { 
/**
 * `producer`, `carrier`, `receiver` or `regulator`.
 */
role: string, 
/**
 * The organisation's name.
 */
org_name: string, 
/**
 * Its unified social credit code.
 */
credit_code: string, };

export type CatalogueHit = { 
/**
 * Waste code, `NNN-NNN-NN`.
 */
code: string, 
/**
 * `HWnn`.
 */
category: string, 
/**
 * The category's name.
 */
category_name: string, 
/**
 * The entry's description.
 */
description: string, 
/**
 * Hazard characteristics as the catalogue writes them (`T/In`).
 */
hazards: string, };

export type NewContainerForm = { 
/**
 * Waste code.
 */
waste_code: string, 
/**
 * Weight or volume.
 */
amount: string, 
/**
 * `kg`, `t` or `L`.
 */
unit: string, 
/**
 * `solid`, `semi_solid`, `liquid` or `gas`.
 */
form: string, 
/**
 * Waste name (empty: from the catalogue).
 */
name: string, 
/**
 * Hazards (empty: from the catalogue).
 */
hazards: string, 
/**
 * Main components.
 */
main_components: string, 
/**
 * Harmful components.
 */
harmful_components: string, 
/**
 * Precautions.
 */
precautions: string, 
/**
 * Contact person.
 */
contact: string, 
/**
 * Contact phone.
 */
phone: string, 
/**
 * Container type.
 */
container_type: string, 
/**
 * Generating facility code.
 */
facility_code: string, 
/**
 * Remarks.
 */
remarks: string, 
/**
 * Why the waste is classified so (a hazard outside the catalogue entry, or 900-000-NN).
 */
classification_reason: string, 
/**
 * The test report's reference (with 900-000-NN).
 */
test_report: string, };

export type ContainerRow = { 
/**
 * The 37-character code.
 */
code: string, 
/**
 * Waste code.
 */
waste_code: string, 
/**
 * Waste name.
 */
name: string, 
/**
 * Declared quantity with unit.
 */
quantity: string, 
/**
 * State (`stored`, …).
 */
state: string, 
/**
 * State in the user's language.
 */
state_name: string, };

export type ManifestLineRow = { 
/**
 * The 37-character code.
 */
code: string, 
/**
 * Waste name.
 */
name: string, 
/**
 * The quantity its label declares, with unit.
 */
declared: string, 
/**
 * The quantity last weighed, with unit, if it was.
 */
measured: string | null, 
/**
 * Weighed minus declared, signed, with unit (e.g. `+4 kg`).
 */
difference: string | null, 
/**
 * Whether that difference is beyond the tolerance.
 */
beyond_tolerance: boolean, 
/**
 * State (`dispatched`, …).
 */
state: string, 
/**
 * State in the user's language.
 */
state_name: string, 
/**
 * Credit code of the organisation holding it.
 */
holder: string, 
/**
 * Still to come for this device: to pick up (carrier) or to arrive (receiver).
 */
waiting: boolean, };

export type ManifestRow = { 
/**
 * The 14-digit number.
 */
number: string, 
/**
 * What this device's organisation is to it: `sender`, `carrier`, `receiver` or `other`.
 */
part: string, 
/**
 * The sender's name (移出人).
 */
sender: string, 
/**
 * The carrier's name (承运人).
 */
carrier: string, 
/**
 * The receiver's name (接受人).
 */
receiver: string, 
/**
 * When its first container still waiting for the carrier was dispatched (RFC 3339).
 */
dispatched_at: string | null, 
/**
 * Containers still to come for this device.
 */
waiting: number, 
/**
 * Declared kilograms of its containers in kg or t.
 */
declared_kg: string, 
/**
 * Weighed kilograms of those weighed.
 */
measured_kg: string, 
/**
 * Its containers.
 */
lines: Array<ManifestLineRow>, };

export type Detail = { 
/**
 * Its name in the user's language.
 */
name: string, 
/**
 * Its value.
 */
value: string, };

export type StepView = { 
/**
 * Event id.
 */
id: string, 
/**
 * When (UTC, RFC 3339).
 */
at: string, 
/**
 * The step (`generated`, `stored`, …).
 */
step: string, 
/**
 * The step in the user's language.
 */
step_name: string, 
/**
 * The recorder's organisation (credit code).
 */
org: string, 
/**
 * The recorder's role in the user's language.
 */
role_name: string, 
/**
 * Who did the step (经办人): the operator the signed event names, else the person this
 * device kept with it; `null` when neither is known.
 */
operator: string | null, 
/**
 * Short keys of every signer.
 */
signers: Array<string>, 
/**
 * The step's details.
 */
details: Array<Detail>, 
/**
 * Whether signatures, id and chain link check.
 */
verified: boolean, 
/**
 * What is wrong, when not verified.
 */
problems: Array<string>, 
/**
 * A transfer leg entered more than 10 working days after its date (a paper manifest's
 * leg entered late).
 */
entered_late: boolean, 
/**
 * It reached the registry more than 7 days after its date: held back or dated back.
 */
arrived_late: boolean, };

export type TimelineView = { 
/**
 * The container.
 */
code: string, 
/**
 * Whether every step verified.
 */
ok: boolean, 
/**
 * Steps, oldest first.
 */
steps: Array<StepView>, 
/**
 * Whether the chain starts at a QR handover here (its history not synced yet).
 */
without_history: boolean, };

export type ScannedCode = { 
/**
 * The text.
 */
text: string, 
/**
 * `label`, `offer`, `ack`, `identity`, `enrolment` or `other`.
 */
kind: string, 
/**
 * The label's code, for a label.
 */
code: string | null, 
/**
 * The label's declared quantity, for a label.
 */
quantity: string | null, 
/**
 * `valid`, `forged` or `key_unknown`, for a label.
 */
check: string | null, };

export type FrameCode = { 
/**
 * The text.
 */
text: string, 
/**
 * `label`, `offer`, `ack`, `identity`, `enrolment` or `other`.
 */
kind: string, };

export type ScanAgainstForm = { 
/**
 * `nothing`, `qr_offer` or `online_offer`.
 */
kind: string, 
/**
 * The offer's QR text or id.
 */
value: string, };

export type ScanVerdict = "new" | "key_unknown" | "not_on_offer" | "already_held" | "revoked" | "forged" | "not_a_label";

export type ScanJudgement = { 
/**
 * The text read.
 */
text: string, 
/**
 * The container's code, for a label.
 */
code: string | null, 
/**
 * The declared quantity with its unit, for a label.
 */
quantity: string | null, 
/**
 * The verdict.
 */
verdict: ScanVerdict, 
/**
 * Whether it must stop the person ([`ScanVerdict::alarm`]).
 */
alarm: boolean, };

export type EnrolmentSeen = { 
/**
 * The registry's URL.
 */
url: string, 
/**
 * The single-use enrolment code.
 */
code: string, };

export type ScaleForm = { 
/**
 * The serial port (e.g. `/dev/ttyUSB0`, `COM3`).
 */
port: string, 
/**
 * `generic` (ST,GS,+0012.34kg), `mettler` (S S 12.34 kg) or `toledo`; blank: generic.
 */
protocol: string, 
/**
 * The port's speed; none: 9600.
 */
baud: number | null, 
/**
 * The scale's name, recorded with its port (e.g. its asset number); blank: none.
 */
name: string, 
/**
 * Seconds to wait for the weight to settle; none: 30.
 */
timeout_secs: bigint | null, };

export type Location = { "source": "none" } | { "source": "file", 
/**
 * The file's path.
 */
path: string, } | { "source": "device" };

export type RouteRecorded = { 
/**
 * The manifest the carrier carries containers under.
 */
manifest: string, 
/**
 * Fixes added now.
 */
added: number, 
/**
 * Fixes held for this transport since its pickup.
 */
held: number, };

export type RouteView = { 
/**
 * The carrier's credit code.
 */
carrier: string, 
/**
 * The manifest it travelled under.
 */
manifest: string, 
/**
 * The event that began it (pickup or relay), hex id.
 */
started_by: string, 
/**
 * When it began (ms).
 */
started_at: number, 
/**
 * The handover that ended it, hex id; `None` while in progress.
 */
ended_by: string | null, 
/**
 * When it ended (ms).
 */
ended_at: number | null, 
/**
 * The track the closing handover signs, if any.
 */
track: TrackView | null, 
/**
 * The fixes this device holds for it, by time.
 */
fixes: Array<FixView>, 
/**
 * Whether they are the signed route.
 */
verdict: RouteVerdict, };

export type RouteVerdict = "verified" | "mismatch" | "fixes_missing" | "no_track" | "in_progress";

export type TrackView = { 
/**
 * How many fixes.
 */
fixes: number, 
/**
 * The first fix's time (ms).
 */
first: number, 
/**
 * The last fix's time (ms).
 */
last: number, 
/**
 * SHA-256 of the track's canonical bytes, hex.
 */
sha256: string, };

export type FixView = { 
/**
 * Milliseconds since 1970 UTC.
 */
at: number, 
/**
 * Latitude, degrees × 10⁷.
 */
lat_e7: number, 
/**
 * Longitude, degrees × 10⁷.
 */
lon_e7: number, 
/**
 * Horizontal accuracy in metres, if known.
 */
accuracy_m: number | null, };

export type ScaleReadingView = { 
/**
 * The weight, e.g. `24.55`.
 */
amount: string, 
/**
 * Its unit: `kg` or `t` (grams become kilograms).
 */
unit: string, 
/**
 * The scale's identity, recorded with the weighing.
 */
scale: string, };

export type ScaleLiveView = { 
/**
 * The weight as the scale shows it, e.g. `24.70 kg`.
 */
text: string, 
/**
 * Whether the scale says it has settled.
 */
stable: boolean, };

export type SentOfferView = { 
/**
 * The handover event's id.
 */
id: string, 
/**
 * The taker's organisation (credit code).
 */
taker_org: string, 
/**
 * The containers.
 */
codes: Array<string>, 
/**
 * Whether it reached the registry.
 */
sent: boolean, 
/**
 * Whether the taker countersigned (the dual-signed event is on this device).
 */
taken: boolean, };

export type ReceivedOfferView = { 
/**
 * The handover event's id.
 */
id: string, 
/**
 * The giver's organisation (credit code).
 */
giver_org: string, 
/**
 * The giver's organisation's name, when known.
 */
giver_org_name: string, 
/**
 * `pickup`, `relay`, `receive` or `return`.
 */
kind: string, 
/**
 * The manifest number, for a pickup, relay or delivery.
 */
manifest: string | null, 
/**
 * The containers.
 */
codes: Array<string>, };

export type VerifySummary = { 
/**
 * Whether nothing failed.
 */
ok: boolean, 
/**
 * Events examined.
 */
events: number, 
/**
 * Containers examined.
 */
containers: number, 
/**
 * What failed, one sentence each.
 */
failures: Array<string>, };

export type BundleSummary = { 
/**
 * Whether nothing failed.
 */
ok: boolean, 
/**
 * `container` or `manifest`: what the bundle says it is the evidence of.
 */
scope: string, 
/**
 * The container's code or the manifest's number.
 */
subject: string, 
/**
 * Who it says exported it, and when (UTC, RFC 3339).
 */
exported_by: string, exported_at: string, 
/**
 * Events and container chains examined.
 */
events: number, containers: number, 
/**
 * What failed, one line each: the event's place in the file, its id, kind, container
 * and a sentence.
 */
failures: Array<string>, 
/**
 * What it shows without failing (events signed before their key's enrolment).
 */
notes: Array<string>, 
/**
 * The keys it carries: key, organisation, name, revoked when.
 */
keys: Array<string>, 
/**
 * The key whose attestation of the bundle verified (a registry's), if any.
 */
attested_by: string | null, 
/**
 * What the key records rest on: `exporters_word` (no attestation), `attesting_key`
 * (the attesting key being the registry's) or `pinned_registry_key`.
 */
key_records: string, };

export type AnomalyView = { 
/**
 * The rule's stable name (`weight_discrepancy`, `receipt_overdue`, `track_missing`, …).
 */
rule: string, 
/**
 * The rule's name in the user's language.
 */
rule_name: string, 
/**
 * The container's code.
 */
container: string, 
/**
 * When it began, and for deadline rules the deadline (UTC, RFC 3339).
 */
since: string, due: string | null, 
/**
 * What happened, in the user's language.
 */
detail: string, };

export type LabelPreview = { 
/**
 * The label as SVG.
 */
svg: string, 
/**
 * Its side in millimetres: 100, 150 or 200, by the container's volume.
 */
size_mm: number, 
/**
 * How many to print: two (on opposite sides) for a container above 450 L, else one.
 */
copies: number, };

export type ManifestForm = { 
/**
 * 14-digit manifest number.
 */
number: string, 
/**
 * The carrier's credit code.
 */
carrier_code: string, 
/**
 * The carrier's name.
 */
carrier_name: string, 
/**
 * The receiver's credit code.
 */
receiver_code: string, 
/**
 * The receiver's name.
 */
receiver_name: string, 
/**
 * The receiver's operating licence number.
 */
receiver_permit: string, 
/**
 * `use` or `disposal`.
 */
mode: string, 
/**
 * 应急措施.
 */
emergency_measures: string, };

export type HandoverForm = { 
/**
 * `pickup`, `relay`, `receive` or `return`.
 */
step: string, 
/**
 * Manifest number (every step but `return`).
 */
manifest: string, 
/**
 * Vehicle plate (`pickup`, `relay`).
 */
vehicle_plate: string, 
/**
 * Driver (`pickup`, `relay`).
 */
driver: string, 
/**
 * Transport permit (`pickup`, `relay`).
 */
permit: string, 
/**
 * Where (`relay`).
 */
place: string, 
/**
 * Why it comes back (`return`).
 */
reason: string, };

export type StepForm = { 
/**
 * The containers.
 */
codes: Array<string>, 
/**
 * Which step.
 */
step: string, 
/**
 * The storage facility (`store`, `dispatch`).
 */
facility_code: string, 
/**
 * The manifest (`dispatch`).
 */
manifest: ManifestForm | null, 
/**
 * Weighed or accepted amount (`weigh`, `partly_refuse`; `accept` when given).
 */
amount: string, 
/**
 * Who weighed (`weigh`).
 */
weigher: string, 
/**
 * `scale` or `manual` (`weigh`; blank: a scale).
 */
weighed_with: string, 
/**
 * The scale the weight was read from (`weigh`; `yima_scale::Captured::scale`), blank
 * when typed in.
 */
scale: string, 
/**
 * Refused amount (`partly_refuse`).
 */
refused: string, 
/**
 * `kg`, `t` or `L`.
 */
unit: string, 
/**
 * Why (`refuse`, `partly_refuse`).
 */
reason: string, 
/**
 * `use` or `disposal` (`dispose`; blank: the manifest's).
 */
mode: string, 
/**
 * The use or disposal method (`dispose`).
 */
method: string, };

export type QrShown = { 
/**
 * The QR code's text.
 */
text: string, 
/**
 * The PNG, base64-encoded.
 */
png_base64: string, 
/**
 * Where the PNG was saved.
 */
path: string, };

export type GiveForm = { 
/**
 * The containers handed over.
 */
codes: Array<string>, 
/**
 * The taker's identity QR text.
 */
taker: string, 
/**
 * The step and its fields.
 */
handover: HandoverForm, };

export type OfferLabelView = { 
/**
 * The container.
 */
code: string, 
/**
 * Whether the offer lists it.
 */
on_offer: boolean, 
/**
 * Whether this organisation already holds it in transit (picked up before).
 */
already_held: boolean, };

export type TakenView = { 
/**
 * The dual-signed event.
 */
event_id: string, 
/**
 * The acknowledgement QR code for the giver.
 */
ack: QrShown, 
/**
 * Labels whose producer key this device does not know yet (checkable after sync).
 */
not_checkable: Array<string>, 
/**
 * Containers whose history this device has not seen yet.
 */
without_history: Array<string>, };

export type EnrolForm = { 
/**
 * The registry's URL (`https://…`, or `http://` to this machine).
 */
url: string, 
/**
 * The single-use enrolment code.
 */
code: string, 
/**
 * The PEM of the CA that certifies the registry, for one certified by a government or
 * private CA (kept for every later sync); none for one the system trusts.
 */
ca_pem: string | null, };

export type SyncProgressView = { 
/**
 * `push`, `keys` or `pull`.
 */
phase: string, 
/**
 * Items done in this phase.
 */
done: number, 
/**
 * Items in this phase, when known.
 */
total: number | null, };

export type SyncSummary = { 
/**
 * Events the registry accepted.
 */
accepted: number, 
/**
 * Events stored at the registry as forks (flagged).
 */
forks: number, 
/**
 * Events refused (kept here with the reason).
 */
refused: number, 
/**
 * Events pulled from the registry.
 */
pulled: number, 
/**
 * Events still waiting to be sent.
 */
pending: number, 
/**
 * Handover offers sent to their takers through the registry.
 */
offers_sent: number, 
/**
 * Handover offers received for this device through the registry.
 */
offers_received: number, 
/**
 * Label readings (sightings) sent to the registry for its forgery and clone checks.
 */
sightings_sent: number, };

export type RoadPassView = { 
/**
 * The manifest.
 */
manifest: string, 
/**
 * The sender's credit code.
 */
sender: string, 
/**
 * The receiver's credit code.
 */
receiver: string, 
/**
 * The carrier's credit code.
 */
carrier: string, 
/**
 * The carrier's name, when the reader knows its key.
 */
carrier_name: string | null, 
/**
 * The vehicle's plate (may be empty).
 */
vehicle_plate: string, 
/**
 * When the carrier's custody began (ms since the epoch).
 */
in_transit_since: number, 
/**
 * When the pass was made (ms).
 */
issued_at: number, 
/**
 * When it stops being valid (ms).
 */
expires_at: number, 
/**
 * The signing key's short id.
 */
key_id: string, 
/**
 * How that key stands with the reader.
 */
key: PassKey, 
/**
 * The containers, by code.
 */
lines: Array<RoadPassLine>, };

export type RoadPassLine = { 
/**
 * The container's 37-character code.
 */
code: string, 
/**
 * Its waste code (`HW08 900-249-08` style).
 */
waste_code: string, 
/**
 * The waste's description in the national catalogue (empty if not found).
 */
waste_name: string, 
/**
 * The quantity the carrier holds, e.g. `25 kg`.
 */
quantity: string, };

export type PassKey = "known" | "unknown";

export type RoadCheckView = { 
/**
 * How many containers it confirms in transit with the pass's carrier.
 */
confirmed: number, 
/**
 * How many the pass lists.
 */
total: number, 
/**
 * The carrier's registered name.
 */
carrier: string, 
/**
 * The manifest's sender, by the registry's record.
 */
sender: string, 
/**
 * The manifest's receiver, by the registry's record.
 */
receiver: string, 
/**
 * Each container of the pass.
 */
lines: Array<RoadCheckLineView>, };

export type RoadCheckLineView = { 
/**
 * The container's code.
 */
code: string, 
/**
 * Whether the registry has it in transit with the pass's carrier under its manifest.
 */
confirmed: boolean, 
/**
 * The quantity by the registry's record, when confirmed.
 */
quantity: string | null, };

export type AuditFilterForm = { 
/**
 * A container's 37-character code, or its first 18 to 36 characters.
 */
code: string, 
/**
 * A custody party's credit code (producer, sender, carrier or receiver).
 */
org: string, 
/**
 * The producer's credit code.
 */
producer: string, 
/**
 * A waste code (900-041-49).
 */
waste: string, 
/**
 * A waste category (HW49).
 */
category: string, 
/**
 * A 14-digit transfer manifest number.
 */
manifest: string, 
/**
 * A vehicle plate (spaces, dots and hyphens ignored, any case).
 */
plate: string, 
/**
 * A carrier's credit code.
 */
carrier: string, 
/**
 * A custody party's administrative division or its start (35, 3501, 350102).
 */
division: string, 
/**
 * The state now (`stored`, `in_transit`, …).
 */
state: string, 
/**
 * Active on or after this China-time day (YYYY-MM-DD).
 */
since: string, 
/**
 * Active on or before this China-time day (YYYY-MM-DD).
 */
until: string, };

export type AuditChoices = { 
/**
 * Every state a container may be in, with its name.
 */
states: Array<AuditStateChoice>, 
/**
 * What counts may be grouped by (`producer`, `province`, … `year`).
 */
groups: Array<string>, };

export type AuditStateChoice = { 
/**
 * `stored`, `in_transit`, …
 */
state: string, 
/**
 * Its name in the user's language.
 */
name: string, };

export type AuditPageView = { 
/**
 * The containers found on it.
 */
containers: Array<AuditRowView>, 
/**
 * The `after` of the next page, when there is one.
 */
next: string | null, };

export type AuditRowView = { 
/**
 * Its 37-character code.
 */
code: string, 
/**
 * Its producer's credit code.
 */
producer: string, 
/**
 * Its waste code.
 */
waste: string, 
/**
 * Its waste category.
 */
category: string, 
/**
 * Its state now (`in_transit`, …).
 */
state: string, 
/**
 * That state in the user's language.
 */
state_name: string, 
/**
 * The organisation holding it now (credit code).
 */
holder: string, 
/**
 * The manifest it travels (or last travelled) under.
 */
manifest: string | null, 
/**
 * When its first and its last event happened (UTC, RFC 3339).
 */
first_at: string, last_at: string, };

export type AuditCountsView = { 
/**
 * What they are grouped by.
 */
by: string, 
/**
 * Each group with containers, by key.
 */
groups: Array<AuditCountView>, 
/**
 * Containers in all.
 */
total: number, };

export type AuditCountView = { 
/**
 * The group's key (a credit code, a division, a category, a state, a day…).
 */
key: string, 
/**
 * The key for people (a state's name; else the key).
 */
label: string, 
/**
 * Containers in it.
 */
containers: number, };

export type AuditTimelineView = { 
/**
 * The container.
 */
code: string, 
/**
 * Whether the whole bundle verified.
 */
ok: boolean, 
/**
 * Who exported the bundle (the registry), and when (UTC, RFC 3339).
 */
exported_by: string, exported_at: string, 
/**
 * Events in the bundle.
 */
events: number, 
/**
 * The container's steps in the bundle's order.
 */
steps: Array<AuditStepView>, 
/**
 * Everything in the bundle that fails, one line each.
 */
failures: Array<string>, };

export type AuditStepView = { 
/**
 * The id the event claims.
 */
id: string, 
/**
 * The step (`generated`, …), `null` when its body does not read.
 */
step: string | null, 
/**
 * The step in the user's language (or that it does not read).
 */
step_name: string, 
/**
 * When it happened (UTC, RFC 3339), when its body reads.
 */
at: string | null, 
/**
 * The recording organisation's credit code and name.
 */
org: string | null, org_name: string | null, 
/**
 * Whether nothing the verification found fails in it.
 */
verified: boolean, 
/**
 * What fails in it: `kind: sentence`.
 */
problems: Array<string>, };
