import { describe, expect, it } from "vitest";
import { edited, emptyStepValues, scaleReading, stepRequest, stepsFor, STEP_FIELDS, toWeigh } from "../src/steps";
import { has } from "../src/i18n";

describe("steps on selected containers", () => {
  it("offers each role its own steps", () => {
    expect(stepsFor("producer")).toEqual(["store", "weigh", "dispatch"]);
    expect(stepsFor("receiver")).toContain("partly_refuse");
    // A partly refused container's refused part is split off to go back, after the refusal.
    const r = stepsFor("receiver");
    expect(r.indexOf("return_refused")).toBeGreaterThan(r.indexOf("partly_refuse"));
    expect(stepsFor("carrier")).toEqual([]);
  });
  it("sends only the fields a step asks for", () => {
    const v = { ...emptyStepValues(), amount: "178.5", reason: "破损", facility_code: "WS-01" };
    const weigh = stepRequest("weigh", ["C1"], v);
    expect(weigh).toMatchObject({ step: "weigh", amount: "178.5", unit: "kg", reason: "", facility_code: "", manifest: null });
    const refuse = stepRequest("refuse", ["C1"], v);
    expect(refuse).toMatchObject({ reason: "破损", amount: "" });
    // Splitting off the refused part asks for nothing: its quantities are the refusal's.
    const back = stepRequest("return_refused", ["C1"], v);
    expect(back).toMatchObject({ step: "return_refused", amount: "", reason: "", facility_code: "" });
  });
  it("records the scale a weight was read from, and forgets it once the weight is typed over", () => {
    const read = scaleReading({ ...emptyStepValues(), weighed_with: "manual", weigher: "林娜" }, {
      amount: "24.55",
      unit: "kg",
      scale: "DOCK-1 /dev/ttyUSB0 (generic)",
    });
    const w = stepRequest("weigh", ["C1"], read);
    expect(w).toMatchObject({ amount: "24.55", unit: "kg", weighed_with: "scale", scale: "DOCK-1 /dev/ttyUSB0 (generic)" });
    // Only a weighing names a scale.
    expect(stepRequest("accept", ["C1"], read).scale).toBe("");
    // Typed over: a manual weight of the hand's, no scale.
    const typed = edited(read, "amount", "25");
    expect(stepRequest("weigh", ["C1"], typed)).toMatchObject({ amount: "25", scale: "" });
    // Touching another field keeps it.
    expect(edited(read, "weigher", "王磊").scale).toBe("DOCK-1 /dev/ttyUSB0 (generic)");
    // Switched to manual: no scale either.
    expect(stepRequest("weigh", ["C1"], edited(read, "weighed_with", "manual")).scale).toBe("");
  });
  it("builds the dispatch's manifest, sent by this device's organisation", () => {
    const v = { ...emptyStepValues(), number: "20263501000123", receiver_name: "厦门" };
    const d = stepRequest("dispatch", ["C1", "C2"], v);
    expect(d.manifest).toMatchObject({ number: "20263501000123", receiver_name: "厦门", mode: "disposal" });
    expect(d.codes).toEqual(["C1", "C2"]);
  });
  it("offers to weigh the containers a dispatch names as not weighed, by kind only", () => {
    const e = { kind: "not_weighed", message: "出库前须称重：…", containers: ["C1", "C2"] };
    expect(toWeigh(e)).toEqual(["C1", "C2"]);
    // Another kind, even with the same words and containers, offers nothing.
    expect(toWeigh({ ...e, kind: "forbidden" })).toEqual([]);
    expect(toWeigh({ kind: "not_weighed", message: "" })).toEqual([]);
    expect(toWeigh(new Error("not_weighed"))).toEqual([]);
    expect(toWeigh(null)).toEqual([]);
    expect(has("app.step.weigh_first") && has("app.step.weigh_this")).toBe(true);
  });
  it("has a name in both languages for every step and field", () => {
    for (const [step, fields] of Object.entries(STEP_FIELDS)) {
      expect(has(`app.step.${step}`), step).toBe(true);
      for (const f of fields) expect(has(`app.stepfield.${f}`), f).toBe(true);
    }
  });
});
