// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

import type { Location } from "./readings";

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

export type EnrolmentSeen = { 
/**
 * The registry's URL.
 */
url: string, 
/**
 * The single-use enrolment code.
 */
code: string, };

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
