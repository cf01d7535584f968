// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

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
