import { describe, expect, it } from "vitest";
import { emptyStepValues, stepRequest, stepsFor, STEP_FIELDS, toWeigh } from "../src/steps";
import { has } from "../src/i18n";

describe("steps on selected containers", () => {
  it("offers each role its own steps", () => {
    expect(stepsFor("producer")).toEqual(["store", "weigh", "dispatch"]);
    expect(stepsFor("receiver")).toContain("partly_refuse");
    expect(stepsFor("carrier")).toEqual([]);
  });
  it("sends only the fields a step asks for", () => {
    const v = { ...emptyStepValues(), amount: "178.5", reason: "破损", facility_code: "WS-01" };
    const weigh = stepRequest("weigh", ["C1"], v);
    expect(weigh).toMatchObject({ step: "weigh", amount: "178.5", unit: "kg", reason: "", facility_code: "", manifest: null });
    const refuse = stepRequest("refuse", ["C1"], v);
    expect(refuse).toMatchObject({ reason: "破损", amount: "" });
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
