// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

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
