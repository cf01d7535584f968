// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

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
