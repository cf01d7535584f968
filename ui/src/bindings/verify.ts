// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

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
