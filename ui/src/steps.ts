// Which steps each role records on selected containers, the fields each step asks for, and
// the request they make (the checks themselves are the core's: yima-device's StepForm).
import type { AppError, StepForm } from "./bindings";

export const STEP_FIELDS: Record<string, string[]> = {
  store: ["facility_code"],
  dispatch: [
    "facility_code",
    "number",
    "carrier_code",
    "carrier_name",
    "receiver_code",
    "receiver_name",
    "receiver_permit",
    "mode",
    "emergency_measures",
  ],
  weigh: ["amount", "unit", "weigher", "weighed_with"],
  accept: ["amount", "unit"],
  partly_refuse: ["amount", "refused", "unit", "reason"],
  refuse: ["reason"],
  // The quantities are those of the partial refusal: nothing to fill in.
  return_refused: [],
  dispose: ["method", "mode"],
};

/** The steps a role records on containers it holds, in the order it meets them. */
export function stepsFor(role: string): string[] {
  switch (role) {
    case "producer":
      return ["store", "weigh", "dispatch"];
    case "receiver":
      return ["weigh", "accept", "partly_refuse", "refuse", "return_refused", "store", "dispose"];
    default:
      return [];
  }
}

/** The containers to weigh when a step failed because the sender has not weighed them
 * (kind `not_weighed`): the ones the error names. Empty for any other failure — decided on
 * the kind, never on the message. */
export function toWeigh(e: unknown): string[] {
  if (typeof e !== "object" || e === null || (e as AppError).kind !== "not_weighed") return [];
  return (e as AppError).containers ?? [];
}

/** Every field any step asks for, with its default. */
export function emptyStepValues(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const fields of Object.values(STEP_FIELDS)) for (const f of fields) values[f] = "";
  values.unit = "kg";
  values.mode = "disposal";
  values.weighed_with = "scale";
  values.scale = "";
  return values;
}

/** The request for `step` on `codes` from the form's values (fields the step does not ask
 * for are left out). */
export function stepRequest(step: string, codes: string[], v: Record<string, string>): StepForm {
  const asks = new Set(STEP_FIELDS[step] ?? []);
  const get = (name: string) => (asks.has(name) ? (v[name] ?? "") : "");
  return {
    codes,
    step,
    facility_code: get("facility_code"),
    manifest:
      step === "dispatch"
        ? {
            number: get("number"),
            carrier_code: get("carrier_code"),
            carrier_name: get("carrier_name"),
            receiver_code: get("receiver_code"),
            receiver_name: get("receiver_name"),
            receiver_permit: get("receiver_permit"),
            mode: get("mode"),
            emergency_measures: get("emergency_measures"),
          }
        : null,
    amount: get("amount"),
    refused: get("refused"),
    weigher: get("weigher"),
    weighed_with: get("weighed_with"),
    // The scale the weight was read from; blank when typed in (see scaleReading).
    scale: step === "weigh" && get("weighed_with") === "scale" ? (v.scale ?? "") : "",
    unit: get("unit"),
    reason: get("reason"),
    mode: step === "dispose" ? get("mode") : "",
    method: get("method"),
  };
}

/** The form's values once a weight is read from a scale: the weight, its unit and the
 * scale's identity, weighed with a scale. */
export function scaleReading(
  v: Record<string, string>,
  reading: { amount: string; unit: string; scale: string },
): Record<string, string> {
  return { ...v, amount: reading.amount, unit: reading.unit, weighed_with: "scale", scale: reading.scale };
}

/** The form's values after a field is edited by hand: a weight or unit typed over what
 * the scale gave is no longer the scale's, so the scale is forgotten. */
export function edited(v: Record<string, string>, name: string, value: string): Record<string, string> {
  const next = { ...v, [name]: value };
  if ((name === "amount" || name === "unit" || name === "weighed_with") && value !== v[name]) next.scale = "";
  return next;
}
