// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

import type { HandoverForm } from "./containers";

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
